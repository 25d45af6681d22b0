"""Services reached through ports written into the tests.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: the suite runs on any machine and in parallel
- Strategic Impact: changing a service port does not break hundreds of tests
"""
import socket
from urllib.parse import urlparse

from yarl import URL
from app.config import AppPortConflict, CoreHTTPConfig, connect_db

from rules.helpers import make_user

BACKEND_URL = "http://localhost:8000/api/v1"  # expect: TA805
DOCS = "Start the backend first; it listens on localhost:8000 by default."
REDIS_ADDRESS = "127.0.0.1:6379/0"  # expect: TA805
HOST_ONLY = "localhost"
REMOTE = "https://api.staging.example.com:8443/health"
NO_PORT = "http://127.0.0.1/health"
HOSTNAME_LOOKALIKE = "http://mylocalhost:8000"
# comments are prose: http://localhost:8000 is not reported here


def test_health_url():
    """Calls http://localhost:8000/health (docstrings are prose)."""
    url = f"ws://127.0.0.1:8081/ws/{make_user('a').name}"  # expect: TA805
    assert url.startswith("ws://")


def test_ports_from_config(service_port, redis_settings):
    addr = f"http://localhost:{service_port}/health"
    sock = socket.create_server(("127.0.0.1", 0))
    assert connect(host="localhost", port=service_port)
    assert connect(host="localhost", port=0)
    assert connect(host="localhost", port=redis_settings.port)
    assert addr and sock


def test_literal_ports():
    assert connect(host="db", port=5432)  # expect: TA805
    assert connect(host="cache", redis_port="6379")  # expect: TA805
    assert connect(host="cache", timeout=6379, sport=1)
    assert connect(dsn="postgresql://user:secret@0.0.0.0:5433/app")  # expect: TA805


def test_expected_values_and_prose_are_not_addresses(client):
    # a URL the test checks the code builds, text mentioning one, a script blob: nothing is reached
    assert client.redirect_uri == "http://localhost:8000/oauth/callback"
    assert "redis://127.0.0.1:6379" in client.dsn
    client.assertEqual(client.base_url, f"http://localhost:8000/{client.tenant}")
    assert client.db_url.startswith("postgresql://localhost:5434") and client.ws_url.endswith("localhost:8002/ws")
    print("Local: http://localhost:3000")
    origins = ["http://localhost:3000", "http://127.0.0.1:3000"]
    sanitized = client.sanitize({"database_url": "postgres://u:p@localhost:5432/db"})
    script = """
print("Compiled successfully!")
print("Local: http://localhost:3000")
"""
    assert client.get("http://localhost:8001/health").ok  # expect: TA805
    assert client.get("http://localhost:8003/api").url.startswith("http")  # expect: TA805
    assert script and origins and sanitized


def test_allowed_port():
    # 9999 is in allow-ports (fixtures_repo/pyproject.toml): the test harness always provides it
    assert connect(url="http://localhost:9999/metrics")


def connect(**kwargs):
    return kwargs


def test_middleware_reads_the_request_url(middleware, scope):
    # a URL the code under test parses, not an address the test connects to
    scope.url = URL("ws://localhost:8000/ws/chat?token=t&user_id=1")
    parts = urlparse("http://127.0.0.1:5432/db")
    assert middleware.user_of(scope) == "1" and parts.port


def test_url_beside_a_parser(client):
    assert client.get("http://localhost:8004/x", params=urlparse("http://example.com/q").query)  # expect: TA805


def test_request_through_an_in_memory_transport(httpx, app):
    client = httpx.Client(transport=httpx.MockTransport(app))
    assert client.get("http://127.0.0.1:8000/echo").status_code == 200
    assert httpx.URL(scheme="https", host="localhost", port=8443, path="/").port == 8443


def test_request_beside_an_unused_transport_helper(client):
    def spare(app):
        return app
    assert client.get("http://127.0.0.1:8005/echo").status_code == 200  # expect: TA805


def test_http_config_read_back(core_api):
    # the expected value is built, not connected to
    assert core_api.http_config() == CoreHTTPConfig(ssl=False, port=80)


def test_install_reports_a_port_conflict(installer, docker):
    docker.run.side_effect = AppPortConflict(name="ssh", port=2222)
    assert installer.install("ssh") is False


def test_connection_compared_with_a_pool(pool):
    assert connect_db(host="db", port=5433) == pool.first()  # expect: TA805


def test_request_through_the_apps_test_client(app):
    client = app.test_client()  # in-process: the base URL opens no socket
    assert client.get("/", "http://127.0.0.1:3000/").status_code == 204


def test_request_beside_a_test_client_elsewhere(client):
    assert client.get("http://127.0.0.1:3001/").status_code == 204  # expect: TA805


def test_cors_allows_the_frontend_origin(bucket_client):
    origin = "https://localhost:4200"  # the page's origin: a header value, nothing connects to it
    response = bucket_client.options("/bucket/key", headers={"Origin": origin})
    assert response.headers["Access-Control-Allow-Origin"] == origin


def test_url_building_with_a_server_name(app):
    app.config.update(SERVER_NAME="localhost:80")  # a name for building URLs
    assert app.url_for("index")


def test_origin_checked_against_a_live_backend(session):
    frontend_origin = "http://localhost:3000"
    backend = "http://localhost:8000/api"  # expect: TA805
    assert session.get(backend, headers={"Origin": frontend_origin}).ok
