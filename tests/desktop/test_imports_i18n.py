"""Import errors in Chinese: every core message template has a translated catalogue entry,
messages keep their figures, fields show the imports' Chinese headers, English is the
core's text unchanged."""

from __future__ import annotations

import re
import string
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from core.errors import InputError, ValidationErrors
from core.imports import LAYOUTS, TEMPLATES, ImportInputError, Message
from core.resources import resources_dir
from desktop import i18n
from desktop import import_text as it
from desktop.models.validation_errors import ValidationErrorsModel

CATALOGUE = resources_dir() / "i18n" / "riskdesk-ops_zh_CN.ts"
CJK = re.compile(r"[\u4e00-\u9fff]")

# Sample parameters: every placeholder of every template, with values to find again.
PARAMS = {
    "kind": "'bonds'",
    "kinds": "positions, trades",
    "suffix": "'.txt'",
    "reason": "Permission denied",
    "detail": "Error tokenizing data",
    "column": "lots",
    "first": "Lots",
    "first_position": "6",
    "position": "9",
    "accepted": "lots, 手数",
    "count": "17",
    "minimum": "1",
    "value": "x-41",
    "bound": "> 0",
    "known_from": "2005-01-04",
    "known_until": "2027-12-31",
    "weekday": "Saturday",
    "max_length": "32",
    "length": "40",
    "allowed": "long, short",
    "contract": "m2701",
    "tick": "1.00",
    "day": "2026-11-20",
    "listed": "2026-01-16",
    "last": "2026-01-15",
    "lots": "3",
    "settlement": "3020",
    "member": "0101",
    "client": "10000002",
    "owner": "0102",
    "registered": "2026-11-02",
    "key": "trading_day=2026-11-20, order_no=O1",
    "first_row": "2",
    "maximum": "10,000,000",
    "character": "U+200B ZERO WIDTH SPACE",
    "what": "client",
    "other": "ABC01",
    "today": "2026-12-03",
    "earliest": "1990-01-01",
    "lower": "2079.00",
    "upper": "2297.00",
    "multiple": "3",
    "reference": "2188.00",
    "reference_day": "2026-11-19",
    "ratio": "5",
    "price": "3015.00",
    "per_lot": "100.00",
    "share": "1%",
    "from_day": "2026-11-19",
    "lock": "limit_up",
    "side": "upper",
    "limit": "3186.00",
    "low": "90",
    "high": "110",
    "product": "m",
    "unit": "10",
    "price_kind": "settlement price",
}
PAIRS = (("trading_day", "2026-11-20"), ("order_no", "O1"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _problem(code: str) -> ImportInputError:
    wanted = _placeholders(TEMPLATES[code]) | _placeholders(it.MESSAGE_TEXTS[code])
    params = {k: v for k, v in PARAMS.items() if k in wanted}
    if code == "duplicate_key":
        return ImportInputError(
            Message(code, params, pairs=PAIRS),
            source="closing-orders.csv",
            row=3,
            field="trading_day+order_no",
            kind="closing-orders",
            columns=("trading_day", "order_no"),
            headers=("trading_day", "order_no"),
        )
    return ImportInputError(
        Message(code, params),
        source="positions.csv",
        row=4,
        field="lots",
        kind="positions",
        columns=("lots",),
        headers=("lots",),
    )


@pytest.fixture
def chinese(qapp: object) -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def _catalogue(context: str) -> dict[str, ET.Element]:
    root = ET.parse(CATALOGUE).getroot()
    for ctx in root.findall("context"):
        if ctx.findtext("name") == context:
            return {m.findtext("source") or "": m for m in ctx.findall("message")}
    return {}


def _sources() -> list[str]:
    return [
        *it.MESSAGE_TEXTS.values(),
        *it.WORDS,
        it.LIST_SEPARATOR,
        it.ROW,
        it.FIELD,
        it.PLACED,
        it.COUNTED,
        it.SUMMARY_SEPARATOR,
        it.AND_MORE,
        it.AS_IN_FILE,
    ]


def test_every_core_template_has_a_catalogue_entry() -> None:
    # A new message code in core.imports fails here until the desktop lists it.
    assert set(it.MESSAGE_TEXTS) == set(TEMPLATES)
    for code, source in it.MESSAGE_TEXTS.items():
        if code in it.OWN_SOURCES:  # the core passes another text on; worded here
            assert TEMPLATES[code] == "{detail}"
            assert "detail" in _placeholders(source)
        else:  # the English of the core, so a reworded template needs a new translation
            assert source == TEMPLATES[code], code


def test_every_entry_is_translated_in_the_ts_file_and_the_compiled_catalogue(
    chinese: None,
) -> None:
    entries = _catalogue(it.CONTEXT)
    for source in _sources():
        assert source in entries, f"not in {CATALOGUE.name}: {source!r}"
        node = entries[source].find("translation")
        assert node is not None, source
        assert node.text, source
        assert node.get("type") is None, f"unfinished: {source!r}"
        shown = i18n.translate(it.CONTEXT, source)
        assert shown == node.text, f"stale .qm (recompile with lrelease): {source!r}"
        assert shown != source
        if any(c.isalpha() for c in source):
            assert CJK.search(shown), source
        # A translation may leave a figure out, never invent one ({} would raise).
        assert _placeholders(shown) <= _placeholders(source), source
        assert set(re.findall(r"%\d", shown)) == set(re.findall(r"%\d", source)), source


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_message_in_chinese_with_its_figures(code: str, chinese: None) -> None:
    error = _problem(code)
    text = it.message_text(error)
    assert text
    assert text != error.message
    assert CJK.search(text), text
    translated = i18n.translate(it.CONTEXT, it.MESSAGE_TEXTS[code])
    for name in _placeholders(translated) - {"column", "weekday", "key", "what", "price_kind"}:
        assert error.msg.params[name] in text, (name, text)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_english_is_the_core_text(code: str, qapp: object) -> None:
    error = _problem(code)
    assert it.message_text(error) == error.message == TEMPLATES[code].format_map(error.msg.params)
    assert it.field_text(error) == error.field
    assert it.describe(error) == error.describe()


def test_words_columns_and_keys_are_chinese(chinese: None) -> None:
    weekend = _problem("weekend")
    assert it.message_text(weekend) == "应为交易日，实际为“x-41”（星期六）"
    assert it.field_text(weekend) == "手数"
    assert it.header_tooltip(weekend) == "文件中的列标题：lots"
    twice = _problem("duplicate_column")
    assert it.message_text(twice) == "列“手数”出现了两次（第 6 列“Lots”和第 9 列）"
    duplicate = _problem("duplicate_key")
    assert it.field_text(duplicate) == "交易日+委托号"
    assert it.message_text(duplicate) == (
        "匹配键重复（交易日=2026-11-20，委托号=O1）：已在第 2 行出现"
    )
    assert it.describe(duplicate) == (
        "closing-orders.csv，第 3 行，字段“交易日+委托号”：匹配键重复（交易日=2026-11-20，"
        "委托号=O1）：已在第 2 行出现"
    )


def test_a_chinese_header_of_the_file_is_kept(chinese: None) -> None:
    error = ImportInputError(
        Message("whole_number", {"minimum": "0", "value": "-5"}),
        source="持仓.csv",
        row=2,
        field="持仓量",
        kind="positions",
        columns=("lots",),
        headers=("持仓量",),
    )
    assert it.field_text(error) == "持仓量"
    assert it.header_tooltip(error) == ""
    assert it.message_text(error) == "应为不小于 0 的整数，实际为“-5”"


def test_every_layout_column_has_a_chinese_header(chinese: None) -> None:
    # The Chinese field names come from the layouts' accepted headers; a new column
    # without a Chinese alias would show its English name.
    for kind, layout in LAYOUTS.items():
        for column in layout.columns:
            assert CJK.search(it.header_name(kind, column.name)), (kind, column.name)


def test_other_errors_and_unknown_codes_fall_back_to_english(chinese: None) -> None:
    plain = InputError("no settlement price for m2701", source="settlement", field="m2701")
    assert it.message_text(plain) == "no settlement price for m2701"
    assert it.field_text(plain) == "m2701"
    unknown = ImportInputError(Message("more_errors", {"count": "3"}), source="p.csv")
    unknown.msg = Message("not_a_code", {})
    assert it.message_text(unknown) == unknown.message != ""


def test_banner_summary(qapp: object) -> None:
    errors = [_problem(code) for code in ("whole_number", "weekend", "date", "hedge")] * 2
    refusal = ValidationErrors(list(errors))
    assert it.summary(errors, str(refusal)) == str(refusal)
    assert it.summary([InputError("database locked")], "database locked") == "database locked"
    i18n.set_language("zh")
    try:
        text = it.summary(errors, str(refusal))
    finally:
        i18n.set_language("en")
    assert text.startswith("8 处错误：positions.csv，第 4 行，字段“手数”：应为不小于 1 的整数")
    assert text.endswith("（另有 3 处）")


def test_model_shows_and_sorts_the_translated_texts(chinese: None, qtmodeltester: object) -> None:
    model = ValidationErrorsModel()
    model.set_errors([_problem("weekend"), _problem("date"), _problem("duplicate_key")])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.index(0, 2).data() == "手数"
    assert model.index(2, 2).data() == "交易日+委托号"
    assert model.index(0, 2).data(0x03) == "文件中的列标题：lots"  # ToolTipRole
    assert model.copy_text([0]).splitlines() == [
        "文件\t行\t字段\t说明",
        "positions.csv\t4\t手数\t应为交易日，实际为“x-41”（星期六）",
    ]
    model.sort(2)  # by the field as shown: 交易日 before 手数
    assert model.index(0, 2).data() == "交易日+委托号"
    i18n.set_language("en")
    model.retranslate()
    model.sort(2)  # lots before trading_day
    assert model.index(0, 2).data() == "lots"
    assert model.index(0, 3).data() == "must be a trading day, got 'x-41' (a Saturday)"


def test_code_and_price_kinds_are_worded_in_chinese(chinese: None) -> None:
    assert it.message_text(_problem("unknown_case")) == (
        "未知客户：代码区分大小写，客户表中为“ABC01”，实际为“x-41”"
    )
    assert "如结算价 3015.00" in it.message_text(_problem("tick_leaves_prices_off"))
