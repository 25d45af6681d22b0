"""The phrases that make a sentence a claim, and those that stop it from being one.

Every field is a plain tuple of regular expressions (matched case-insensitively; `(?-i:…)`
makes a part case-sensitive), so the lists can come from `[tool.testaudit.verify]` later
without code. Defaults follow SPEC §12's table plus what generated campaign reports actually
write. The lists that stop a match (future plans, negations, limits, verbs of change) matter as
much as those that start one: a sentence that matches no kind is not a claim, and a `false`
verdict on a claim that holds is the worst error `verify` can make.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Pattern, Tuple

Regexes = Tuple[str, ...]
# a class name has a lower-case letter (`SSOT patterns`, `REAL services` name no class) and is
# not followed by a noun it qualifies (`BaseTestCase patterns`)
# and a second capital, digit or underscore after its first letter (`Tests use SSotAsyncTestCase`:
# "Tests" is a word, not the class)
CLASS_NAME = (r"(?-i:(?P<cls>(?:[a-z_][a-z0-9_]*\.)*(?=\w*[a-z])[A-Z]\w*?[A-Z0-9_]\w*))"
              r"(?!`?\s+(?:patterns?|standards?|style|conventions?|architecture|approach|principles?|"
              r"compliance|format|model|structure|way)\b)")


@dataclass(frozen=True)
class Phrases:
    """Regexes per claim kind and per reason to reject a match (see the module docstring)."""

    # sections: what a heading says about everything under it
    summary_titles: Regexes = (
        r"\bsummary\b", r"\boverview\b", r"\bresults?\b", r"\btotals?\b", r"\bconclusions?\b",
        r"\bkey (?:achievements|metrics|results|deliverables|findings)\b", r"\bmetrics\b",
        r"\bstatistics\b", r"\bstats\b", r"\bat a glance\b", r"\btl;?dr\b", r"\bhighlights\b",
        r"\bfinal (?:status|report)\b", r"\baccomplishments\b", r"\bdeliverables\b",
        r"\bmission accomplished\b", r"\bwhat was (?:done|delivered|created)\b",
    )
    plan_titles: Regexes = (
        r"\bnext steps?\b", r"\bfuture\b", r"\bto-?do\b", r"\broadmap\b", r"\brecommendations?\b",
        r"\bplanned\b", r"\b(?:implementation|action|remediation|migration|test) plan\b(?! (?:results|execution))",
        r"\bremaining (?:work|tasks|items|gaps)\b", r"\bfollow[- ]?ups?\b", r"\boutstanding\b",
        r"\baction items\b", r"\bopen questions\b", r"\bwhat'?s left\b", r"\bupcoming\b", r"\bproposed\b",
        r"\bbacklog\b", r"\bimprovements? (?:needed|planned)\b", r"\bproposals?\b",
        r"\b(?:goals?|objectives?)\b(?!\s+(?:achieved|accomplished|met|completed|reached))",
        r"\bphase \d+\b.*\b(?:planned|future)\b",
        # criteria and targets, unless the heading says they were met ("Success Criteria - ALL MET ✅")
        r"(?:\b(?:success|acceptance|exit|completion) criteria\b|\bdefinition of done\b|\btarget(?:s| state)?\b|"
        r"\bexpected (?:results?|outcomes?|state)\b)(?![^\n]*(?:\b(?:met|achieved|accomplished|satisfied|passed|"
        r"reached|hit|exceeded|validat\w*|verified|results?)\b|✅))",
    )
    # a report's title that makes the whole document a plan (sections inherit it whatever their titles)
    plan_documents: Regexes = (
        r"\b(?:plan|strategy|proposal|prompts?|instructions|playbook|runbook)\b(?!\s*[-–—:(]?\s*(?:results?|"
        r"execution|executed|implementation|implemented|complete[d]?|validation|report|summary|status|outcome))",
    )
    history_titles: Regexes = (
        r"\bbefore\b", r"\bproblems?\b", r"\broot causes?\b", r"\boriginal (?:state|issues?)\b",
        r"\bprevious(?:ly)?\b", r"\binitial (?:state|analysis|assessment)\b",
        r"\b(?:issues?|violations?|failures?|errors?) (?:found|identified|discovered|detected|observed)\b",
        r"\bdiagnosis\b", r"\binvestigation\b", r"\bsymptoms?\b", r"\berror analysis\b",
        r"\bknown (?:issues|gaps|limitations|problems)\b", r"\bopen issues\b", r"\bcaveats\b",
        r"\bcurrent state\b", r"\bfor reference\b", r"\bstarting point\b", r"\bbaseline\b",
    )
    # sentences that assert nothing (yet)
    future: Regexes = (
        r"\bwill\b", r"\bwould\b", r"\bshould\b", r"\bcould\b", r"\bmight\b", r"(?-i:\bmay\b)",
        r"\bmust\b", r"\bshall\b", r"\bneeds?\b", r"\bgoing to\b", r"\bplan(?:s|ned)?\b",
        r"\bto be (?:added|created|written|implemented|done|fixed|restored|migrated)\b", r"\btodo\b",
        r"\bnext steps?\b", r"\bnext:", r"\bin the future\b", r"\bupcoming\b", r"\btargets?\b",
        r"\bgoals?\b", r"\baim(?:s|ing)? (?:to|for|at)\b", r"\bexpected(?: to\b|:)", r"\bintend",
        r"\bpropos", r"\bpending\b", r"\bwip\b", r"\bif\b", r"\bunless\b",
        r"\bonce\s+(?:the|we|it|they|this|that|all)\b", r"\bonce\s+\w+\s+(?:is|are|lands?|merges?|passes)\b",
        r"\brequirements?\s*:", r"\brequired\s*:", r"\buntil\b", r"\bobjectives?\s*:", r"\bmission\s*:",
        r"\bper (?:the )?(?:\w+ )?(?:polic(?:y|ies)|guide|guidelines?|rules?)\b",
        r"\b(?:polic(?:y|ies)|guide|guidelines?|rules?) (?:says|say|requires?|states?|mandates?|forbids?)\b",
        r"\bmandat", r"\bclaude\.md\b", r"\btry to\b",
        r"\battempt", r"\bhopefully\b", r"\bideally\b", r"\bestimat", r"\bforecast", r"\bprojected\b",
        r"⏳", r"⌛", r"^[\W_]*expected\b",  # pending; "Expected after the fix: 100% compliance"
    )
    # a sentence opening with a bare verb is an instruction ("Add 20 tests", "Reach 95%")
    imperatives: Regexes = (
        r"create", r"add", r"write", r"reach", r"raise", r"remove", r"restore", r"fix", r"migrate",
        r"convert", r"implement", r"ensure", r"make", r"update", r"move", r"use", r"run", r"verify",
        r"check", r"investigate", r"consider", r"refactor", r"document", r"increase", r"improve",
        r"reduce", r"replace", r"delete", r"rename", r"keep", r"aim", r"get", r"bring", r"introduce",
    )
    negations: Regexes = (
        r"\bnot\b", r"n't\b", r"\bnever\b", r"\bno longer\b", r"\bneither\b", r"\bnor\b",
        r"\bnone of\b", r"\bfail(?:s|ed)? to\b", r"\black(?:s|ed|ing)?\b", r"\bmissing\b", r"\bno\b",
        r"\bzero\b", r"\bexcept\b", r"\bexcluding\b", r"\bapart from\b", r"\bstill\b",
        r"\bpartial(?:ly)?\b", r"\bmost\b", r"\bsome\b",
        r"\bmany\b", r"\bseveral\b", r"\bfew\b", r"\balmost\b", r"\bnearly\b", r"\bmostly\b",
    )
    # a past state, in the clause ("4 were skipped") or anywhere in the sentence ("Before the
    # fix: 3 pass, 3 fail"); not applied to kinds that report a change ("was fixed")
    past: Regexes = (r"\bwas\b", r"\bwere\b", r"\bremoved\b", r"\bdeleted\b")
    earlier: Regexes = (
        r"\bused to\b", r"\bpreviously\b", r"\boriginally\b", r"\binitially\b", r"\bbefore\b",
        r"\bformerly\b", r"\bat the time\b", r"\bold suite\b", r"\blegacy suite\b",
    )
    generic_adjectives: Regexes = (
        r"integration", r"e2e", r"end-to-end", r"unit", r"new", r"comprehensive", r"real", r"async",
        r"total", r"critical", r"mission", r"python", r"pytest", r"more", r"all",
    )
    # counts: `16 tests`, `(580 lines)`, `39 files`, and the words that decide what they count
    test_nouns: Regexes = (
        r"test[ -]?cases?\b", r"test (?:methods?|functions?)\b",
        r"tests?\b(?![ -]?(?:files?|modules?|suites?|classes|class|director(?:y|ies)|dirs?|folders?|"
        r"runs?|plans?|data|infra\w*|framework|utilit\w+|helpers?|fixtures?|coverage|results?|"
        r"reports?|categor\w+|patterns?|levels?|types?|areas?|environments?|databases?|users?|"
        r"accounts?|ids?|scenarios?|steps?|cases? files?|phases?|stages?|cycles?|iterations?|sessions?|"
        r"executions?|jobs?|commands?|scripts?|tools?|logs?|outputs?|markers?|configs?|configurations?|"
        r"modes?|servers?|services?|containers?|endpoints?)\b)",
    )
    line_nouns: Regexes = (
        r"lines? of (?:test )?(?:python )?code\b", r"(?-i:LOC|SLOC)\b",
        r"lines?\b(?! of (?:output|logs?|text|docs?|documentation|comments?|changes|diff|context)\b)",
    )
    file_nouns: Regexes = (r"(?:test |python |\.py )?files?\b", r"test modules?\b")
    test_labels: Regexes = (
        r"(?:total\s+)?(?:tests?|test cases|test count|tests created|tests written|number of tests)\s*:\s*",
    )
    line_labels: Regexes = (r"(?:total\s+)?(?:lines(?: of code)?|loc|size)\s*:\s*",)
    file_labels: Regexes = (r"(?:total\s+)?(?:test\s+)?files(?:\s+created)?\s*:\s*",)
    count_stop_words: Regexes = (
        r"fail\w*", r"pass\w*", r"skip\w*", r"broken", r"error\w*", r"flaky", r"xfail\w*", r"more",
        r"additional", r"extra", r"remaining", r"planned", r"missing", r"disabled", r"commented\S*",
        r"restored", r"fixed", r"pending", r"other", r"old", r"legacy", r"deprecated", r"removed",
        r"deleted", r"existing", r"previous", r"original", r"duplicated?", r"mock\w*", r"changed",
        r"modified", r"affected", r"new-?line", r"blank", r"empty", r"of", r"and", r"or", r"to",
        r"in", r"per", r"for", r"with", r"from", r"the", r"a", r"an", r"across", r"into", r"on", r"at", r"by",
        r"between", r"among", r"through", r"via", r"over",
    )
    count_verbs: Regexes = (
        r"add(?:s|ed|ing)?", r"fix(?:es|ed|ing)?", r"remov(?:e|es|ed|ing)", r"delet(?:e|es|ed|ing)",
        r"restor(?:e|es|ed|ing)", r"uncomment(?:s|ed|ing)?", r"re-?enabl(?:e|es|ed|ing)",
        r"skip(?:s|ped|ping)?", r"disabl(?:e|es|ed|ing)", r"modif(?:y|ies|ied|ying)",
        r"updat(?:e|es|ed|ing)", r"chang(?:e|es|ed|ing)", r"migrat(?:e|es|ed|ing)", r"convert(?:s|ed|ing)?",
        r"refactor(?:s|ed|ing)?", r"rewr(?:ote|itten|ite|ites)", r"touch(?:es|ed|ing)?", r"affect(?:s|ed|ing)?",
        r"renam(?:e|es|ed|ing)", r"mov(?:e|es|ed|ing)", r"split", r"merg(?:e|es|ed|ing)",
        r"reduc(?:e|es|ed|ing)", r"increas(?:e|es|ed|ing)", r"improv(?:e|es|ed|ing)", r"dropp?(?:s|ed|ing)?",
        r"trimm?(?:s|ed|ing)?", r"fail(?:s|ed|ing)?", r"broke", r"broken", r"cut", r"shorten(?:ed)?",
    )
    count_after: Regexes = (
        r"chang(?:ed|ing)", r"modified", r"added", r"removed", r"deleted", r"fail(?:ed|ing|s)?",
        r"pass(?:ed|ing|es)?", r"skipped", r"fixed", r"restored", r"affected", r"touched", r"pending",
        r"planned", r"remaining", r"to go", r"left", r"still", r"were", r"was", r"of (?:output|logs?)",
        r"convert(?:ed|ing)", r"migrat(?:ed|ing)", r"updated", r"refactored", r"rewritten", r"renamed", r"moved",
    )
    count_limits: Regexes = (
        r"max(?:imum)?", r"min(?:imum)?", r"under", r"below", r"less than", r"fewer than", r"up to",
        r"limit(?:ed)? to", r"at most", r"<", r"≤", r"<=", r"within", r"first", r"last", r"top",
        r"every", r"per", r"each", r"#", r"v", r"version", r"issue", r"pr", r"port", r"step", r"phase",
        r"suite", r"section", r"part", r"iteration", r"attempt", r"run", r"round", r"batch", r"day",
        r"week", r"sprint", r"python", r"py", r"line", r"from", r"only", r"ran", r"running",
        r"executed", r"executing", r"priority", r"cycle", r"stage", r"level", r"tier", r"wave", r"layer",
        r"group", r"option", r"milestone", r"task", r"item", r"chapter", r"gap", r"category", r"scenario",
    )
    count_approx: Regexes = (
        r"~", r"≈", r"about", r"around", r"approximately", r"approx\.?", r"roughly", r"nearly",
        r"almost", r"some", r"circa", r"ca\.",
    )
    count_at_least: Regexes = (r"at least", r"over", r"more than", r">", r"≥", r">=", r"upwards of")
    # a line count in a clause about coverage counts statements, not the file's lines
    line_exclusions: Regexes = (
        r"\bcover(?:ed|age)\b", r"\buncovered\b", r"\bstatements?\b", r"\bmissed\b", r"\bexecutable\b",
        r"\bhits?\b", r"\bbranch(?:es)?\b",
    )
    # total wording that reaches past the section's own file: "500 lines in total across the campaign"
    wide_totals: Regexes = (
        r"\bacross\b", r"\bcampaign\b", r"\boverall\b", r"\baltogether\b", r"\bcombined\b",
        r"\ball (?:the )?(?:test )?(?:files|suites|modules)\b", r"\bproject[- ]wide\b",
    )
    total_words: Regexes = (
        r"\btotal\b", r"\boverall\b", r"\bacross\b", r"\bcombined\b", r"\baltogether\b",
        r"\bcreated\b", r"\bwr(?:ote|itten)\b", r"\bimplemented\b", r"\bgenerated\b",
        r"\bdelivered\b", r"\bsum\b",
    )
    total_rows: Regexes = (r"^\s*(?:grand\s+)?totals?\b", r"^\s*sum\b", r"^\s*overall\b", r"^\s*all suites\b")
    tests_headers: Regexes = (
        r"#?\s*tests?", r"tests? count", r"test\s*count", r"test cases", r"(?:number|no\.?|num|#) of tests",
        r"tests? \(#\)", r"# tests",
    )
    lines_headers: Regexes = (r"lines?", r"loc", r"sloc", r"lines? of code", r"size \(lines\)", r"# lines")
    files_headers: Regexes = (r"files", r"# files", r"test files", r"file count", r"(?:number|no\.?) of files")
    bvj_headers: Regexes = (r"bvj", r"business value(?: justification)?", r"bvj docstring")
    mocks_headers: Regexes = (r"mocks?", r"mock (?:usage|count|objects)", r"# mocks")
    yes_cells: Regexes = (r"✅", r"✓", r"✔", r"☑", r"yes", r"present", r"included", r"complete", r"100\s?%")
    zero_cells: Regexes = (r"0", r"none", r"no", r"zero", r"—", r"-")
    score_headers: Regexes = (r"(?:ssot )?compliance(?: score)?(?: \(%\))?", r"score(?: \(%\))?")
    # statements
    no_mocks: Regexes = (
        r"\bno mock(?:s|ing|ed objects?)?\b", r"\bzero mock(?:s|ing| objects?| usage)?\b", r"\b0 mocks\b",
        r"\bwithout (?:any )?mock(?:s|ing)?\b", r"\breal services? only\b", r"\bonly real services\b",
        r"\b100\s?% real services?\b", r"\bmock[- ]free\b",
        r"\bno (?:tests?|files?) (?:use|uses|contain|contains|import|imports|rel(?:y|ies) on) (?:any )?mocks?\b",
        r"\b(?:removed|eliminated) all mock(?:s|ing)?\b",
        r"\ball mock(?:s|ing)? (?:were |have been )?(?:removed|eliminated)\b",
        r"\bmocks?(?: usage| count)?\s*:\s*(?:0|none|zero)\b",
    )
    # a sentence that says what is mocked makes its "no mocks" a qualified one, not a claim
    no_mocks_contradictions: Regexes = (
        r"\bmock(?:ed|s|ing)?\b", r"\bpatch(?:ed|es|ing)?\b", r"\bstub(?:s|bed)?\b", r"\bfakes?\b",
    )
    bvj: Regexes = (
        r"\b(?:all|every|each)\b[^.;:]{0,40}?\b(?:bvj|business value justifications?)\b",
        r"\b100\s?%[^.;]{0,40}?\b(?:bvj|business value justifications?)\b",
        r"\b(?:bvj|business value justifications?)s?\b[^.;\w]{0,6}(?:docstrings?\s*)?[:\-]?\s*"
        r"(?:✅|✓|☑|\b(?:included|present|complete|documented|100\s?%)\b)",
        r"\b(?:bvj|business value justifications?)s?\s+(?:in|for|on)\s+(?:all|every|each)\b",
    )
    base_class: Regexes = (
        r"\b(?:all|every|each)\b(?:\s+[\w-]+){0,4}?\s+(?:inherit(?:s|ing)?|extends?|subclass(?:es)?|derives?)\s+"
        r"(?:from\s+)?`?" + CLASS_NAME,
        r"\b(?:tests?|test classes|suites?)\s+(?:all\s+)?(?:inherit|extend)\s+(?:from\s+)?`?" + CLASS_NAME,
        r"\bbase[ _-]?class(?:es)?\s*[:=]\s*`?" + CLASS_NAME,
        r"\b(?:uses?|using|built on|based on)\s+(?:the\s+)?`?" + CLASS_NAME
        + r"`?\s+(?:as\s+(?:the\s+)?)?base(?: class)?\b",
        r"\b(?:migrated|converted)\b[^.;]{0,60}?\bto\s+`?" + CLASS_NAME,
    )
    marker_intros: Regexes = (
        r"\b(?:all|every|each)\b[^.;]{0,60}?(?=`?@?pytest\.mark\.\w)",
        r"\bmarked (?:with|as) (?=`?@?pytest\.mark\.\w)",
        r"\bmarkers?\s*:\s*",
    )
    no_commented_tests: Regexes = (
        r"\b(?:restored|uncommented|re-?enabled|reactivated|revived)(?:\s+(?:all|the|\d+|\d+/\d+|previously|"
        r"commented[- ]out|commented|disabled|skipped|integration|e2e|unit|critical|mission[- ]critical))*"
        r"\s+(?:tests?|test (?:methods?|functions?|cases?|classes|files?|modules?))\b",
        r"\b(?:tests?|test (?:methods?|functions?|cases?|classes|files?|modules?))\s+"
        r"(?:(?:were|have been|are|now|all)\s+)*(?:restored|uncommented|re-?enabled|reactivated)\b",
        r"\btests?\b(?:[^.;\n]|\.(?!\s)){0,120}?\b(?:commented[- ]out|disabled)\b(?:[^.;\n]|\.(?!\s)){0,60}?"
        r"\b(?:restored|uncommented|re-?enabled)\b",
        r"\b(?:no|zero|0)\s+(?:commented[- ]out|disabled|commented)\s+tests?\b",
        r"\bno tests? (?:are |remain )?(?:commented[- ]out|disabled)\b",
        r"\ball tests? (?:are )?(?:now )?(?:enabled|active|live|uncommented)\b",
    )
    no_commented_tests_with_file: Regexes = (r"(?-i:\bRESTORED\b)", r"(?-i:\bUNCOMMENTED\b)")
    # a fix that is not complete: the whole sentence must be free of these
    unresolved: Regexes = (
        r"\bremain", r"\bstill\b", r"\bunresolved\b", r"\bpartial", r"\bsome\b", r"\b\d+\s+of\s+\d+\b",
        r"\bexcept\b", r"\bbut\b", r"\byet\b", r"\bnot\b", r"n't\b",
    )
    fixed: Regexes = (r"\b(?:fixed|resolved|corrected|repaired|addressed)\b",)
    import_words: Regexes = (r"\bimport", r"\bmodule", r"\bno module named\b")
    score: Regexes = (
        r"\b(?:compliance|score)\b[^.;\d%]{0,30}?(?P<num>\d+(?:\.\d+)?)\s*(?:%|/\s*(?P<den>\d+))",
        r"(?P<num>\d+(?:\.\d+)?)\s*(?:%|/\s*(?P<den>\d+))\s*(?:[\w-]+\s+){0,2}?(?:compliance|compliant|score)\b",
        r"\bscore\s*(?:of|:|=|is)?\s*(?P<num>\d+(?:\.\d+)?)\b(?!\s*(?:%|/|\.\d))",
    )
    score_excluded: Regexes = (
        r"\bcoverage\b", r"\bthreshold\b", r"\bminimum\b", r"\bfail[- ]under\b", r"\bbaseline\b",
        r"\bby \d", r"\bincrease\b", r"\bimprovement\b", r"\bdelta\b", r"\bfrom \d+(?:\.\d+)?\s*(?:%|/)",
        # scores of something else than compliance: "95% stability score", "system health score"
        r"\b(?:stability|health|performance|reliability|confidence|readiness|risk|maturity|quality|"
        r"satisfaction|security|accuracy|availability|uptime)\b",
    )
    pass_rate: Regexes = (
        r"(?P<num>\d+(?:\.\d+)?)\s*%\s*(?:test\s+)?(?:pass(?:ing)?\s+rate|success\s+rate|pass(?:ing|ed)?)\b",
        r"\b(?:pass(?:ing)?|success)\s+rate\s*(?:of|:|=|is)?\s*(?P<num>\d+(?:\.\d+)?)\s*%",
        # `7/7 concurrent connections successful` counts connections: any words between are about tests
        r"(?P<passed>\d+)\s*/\s*(?P<total>\d+)\s+(?:(?:[\w-]+\s+)?(?:tests?|test cases|cases)\s+)?"
        r"(?:pass(?:ing|ed|es)?|green|succeed(?:ed|ing)?|successful)\b",
        r"(?P<passed>\d+)\s+pass(?:ed|ing|es)?\b[,;]?\s*(?:and\s+)?(?P<failed>\d+)\s+fail(?:ed|ing|ures?|s)?\b",
        r"\ball\s+(?:\d+\s+)?(?:[\w-]+\s+){0,2}?tests?\s+(?:(?:are|now)\s+)*(?:pass(?:ing|ed|es)?|green)\b",
    )
    file_lines: Regexes = (r"^\W{0,4}(?:test\s+)?(?:file|location|path|module)s?\s*:",)
    # names that end in .py but are tools, not files of the project
    not_files: Regexes = (r"coverage\.py", r"black\.py", r"pre-commit\.py")
    deletions: Regexes = (
        r"\bdelet(?:e|ed|ing)\b", r"\bremov(?:e|ed|ing)\b", r"\brenam(?:e|ed|ing)\b", r"\breplaced\b",
        r"\bmoved from\b", r"\bdeprecated\b", r"\barchived\b", r"\bdoes not exist\b",
        r"\bdoesn't exist\b", r"\bnot found\b", r"\bno such file\b", r"\bmissing\b", r"\bto create\b",
        r"\bsplit into\b", r"\bconsolidated into\b", r"\bmerged into\b",
        r"^[\W\d_]*(?:create|add|write|implement|introduce|generate)\b(?!-)",  # an instruction to create it
    )


DEFAULT_PHRASES = Phrases()


@lru_cache(maxsize=None)
def any_of(patterns: Regexes, anchored_words: bool = False) -> Pattern[str]:
    """One case-insensitive regex matching any of `patterns` (empty tuple: matches nothing).

    With `anchored_words`, each pattern is a word list item (e.g. a verb) that must stand as a
    whole word.
    """
    if not patterns:
        return re.compile(r"(?!)")
    if anchored_words:
        body = "|".join(f"(?:{p})" for p in patterns)
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


@lru_cache(maxsize=None)
def ending_with(patterns: Regexes, bounded: bool = True) -> Pattern[str]:
    """Matches text that ends with one of `patterns` (what stands right before a number);
    `bounded` requires a space, `(` or `*` (or the start) before it."""
    body = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
    lead = r"(?:^|[\s(*])" if bounded else ""
    return re.compile(rf"{lead}(?:{body})\s*$", re.I)


@lru_cache(maxsize=None)
def starting_with(patterns: Regexes) -> Pattern[str]:
    """Matches text that starts (after spaces, `*` and `)`) with one of `patterns` as a word."""
    body = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
    return re.compile(rf"^[\s*)]*(?:{body})\b", re.I)


@lru_cache(maxsize=None)
def each_of(patterns: Regexes) -> Tuple[Pattern[str], ...]:
    """Each pattern compiled on its own (case-insensitive), for patterns with named groups."""
    return tuple(re.compile(p, re.I) for p in patterns)


def validate(phrases: Phrases) -> None:
    """Compile every list once, so a bad regex from configuration fails early and loudly."""
    for item in fields(phrases):
        each_of(getattr(phrases, item.name))
