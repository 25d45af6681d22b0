# expect@2: TA401
"""Invoice export.

Business Value: finance teams reconcile invoices without manual work.
(A "Business Value:" line alone is not a justification header.)

- Segment: Enterprise
- Goal: Retention
"""
import csv
import io


def test_export_writes_header_row():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["id", "amount"])
    assert buffer.getvalue().startswith("id,amount")
