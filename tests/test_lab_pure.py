"""The lab's pure modules, called directly in a blank page of headless Chromium (no lab page, no
clicks): settings and initialisations read as nn7 reads them (the same English line, word for
word, for a corpus of bad values), Python's repr and difflib, the address (url.js, state.js),
the command lines, the axes' ticks (scale.js), the colours (colors.js), the words
(words.js) and the sweep's plan (sweep-pool.js)."""

from __future__ import annotations

import difflib
import json

import pytest

from lab_support import FIELDS, STATE_KEYS

from nn7 import experiments
from nn7.errors import Nn7Error
from nn7.settings import SettingError
from nn7_dev.browser import JsModules

pytestmark = [pytest.mark.browser, pytest.mark.site]

LAB = "/assets/lab/"


@pytest.fixture(scope="module")
def js(browser, built_site):
    modules = JsModules(browser, built_site)
    yield modules
    assert not modules.errors, modules.errors
    modules.close()


def run(js, module: str, body: str, arg=None):
    """``body`` (statements using ``m``, the module, and ``arg``; it returns a JSON-able value) in the page."""
    return js.evaluate(f"async (arg) => {{ const m = await import('{LAB}{module}'); {body} }}", arg)


# Bad values for each kind of setting: exponents, signs, huge and empty values, full-width
# digits and spaces, words, HTML, a value of 60 characters.
BAD_NUMBERS = ["abc", "", " ", "0", "-0", "-1", "-0.5", "1e-400", "1e999", "-1e999", "nan", "NaN", "-inf", "Infinity",
               "inf0", "0x10", "1_0", "１２", "1\u3000", "\u30001", "\xa01", "1,5", "1.5.2", "+", ".", "e5", "<b>1</b>", "x" * 60, "'q'",
               '"q"', "a'b\"c", "\\", "\t\n", "1e", "--1", "0.0"]
BAD_WHOLES = ["2.5", "1e3", "1.", "0", "-3", "abc", "", "１", "9" * 101, "+-1", "3 4", "0x1F", "1_000"]
GOOD = ["1", " 2 ", "+3", "007", "0.5", ".5", "5.", "1e-3", "2E+2", "\t4\n"]


def python_says(group: str, name: str, text: str):
    s = experiments.setting(group, name)
    try:
        value = s.parse(text, page=True)
    except SettingError as err:
        return {"error": str(err), "rule": err.rule}
    return {"value": repr(value)}


@pytest.mark.parametrize("group, name", [("train", "lr"), ("train", "seed"), ("train", "epochs"), ("train", "hidden"),
                                         ("train", "batch"), ("trace", "steps"), ("sweep", "seeds")])
def test_a_typed_value_is_read_as_nn7_reads_it(js, group, name):
    """Every value of the corpus gets nn7's verdict in the lab: the same value, or the same
    rule and the same line (the option, the rule, its limit and the value quoted as nn7 quotes it)."""
    texts = BAD_NUMBERS + BAD_WHOLES + GOOD + ["9007199254740993", "1" + "0" * 30, "9" * 100, "100000", "100001", "8", "9",
                                              "10000", "10001", "100", "101"]
    got = run(js, "nn7/settings.js", """
        const { pyRepr } = await import('/assets/lab/numpy/printing.js');
        const s = m.setting(arg.group, arg.name);
        return arg.texts.map((t) => {
            try { const v = m.parseSetting(s, t, {page: true}); return {value: s.kind === "number" ? pyRepr(v) : String(v)}; }
            catch (e) { return {error: e.message, rule: e.rule}; }
        });""", {"group": group, "name": name, "texts": texts})
    for text, lab in zip(texts, got):
        assert lab == python_says(group, name, text), f"{group}.{name} {text!r}"


def test_initialisations_are_read_as_nn7_reads_them(js):
    """The same spec, or the same message (with the same "did you mean …?"), for good and bad
    initialisations."""
    texts = ["case3", " Case2 ", "random", "W1=n", "w1 = N , b2 = 1", "W1=0,B1=1,W2=0,B2=1", "", "  ", "bogus", "caes3",
             "case", "W1", "W3=n", "W1=sometimes", "W1=n, w1=0", "W1=n,,B1=1", ",", "W1==n", "W1=n,B2", "<img src=x>",
             "W1=\u3000n", "ｗ1=n", "W1=n\u00a0,B1=1", "x" * 300, "__proto__", "constructor", "toString", "w1=Ones"]
    from nn7.experiments import parse_init

    got = run(js, "nn7/inits.js", """
        return arg.map((t) => {
            try { return {spec: m.initString(m.parseInit(t))}; }
            catch (e) { return {error: e.message, code: e.code}; }
        });""", texts)
    for text, lab in zip(texts, got):
        try:
            want = {"spec": str(parse_init(text))}
        except Nn7Error as err:
            want = {"error": str(err)}
        assert {k: v for k, v in lab.items() if k != "code"} == want, f"init {text!r}"


def test_python_repr_and_difflib(js):
    strings = ["abc", "it's", 'say "hi"', "both ' and \"", "back\\slash", "tab\there", "new\nline", "\x00\x1f\x7f",
               "\xa0\xad", "中文", "\u3000", "\ufeff", "\u2028", "😀", "\U000e0001", "ß"]
    got = run(js, "nn7/settings.js", "return arg.map((s) => m.pyStrRepr(s));", strings)
    assert got == [repr(s) for s in strings]
    pairs = [("case3", "caes3"), ("case1-b2", "case1b2"), ("random", "randon"), ("case2-w-ones", "ones"), ("abc", "")]
    ratios = run(js, "nn7/difflib.js", "return arg.map(([a, b]) => m.ratio(a, b));", pairs)
    assert ratios == [difflib.SequenceMatcher(None, a, b).ratio() for a, b in pairs]
    words = ["caes3", "cse1", "rand", "case2w", "zzz", "case"]
    names = list(experiments.presets())
    close = run(js, "nn7/difflib.js", "return arg.words.map((w) => m.closeMatch(w, arg.names) ?? null);",
                {"words": words, "names": names})
    assert close == [(difflib.get_close_matches(w, names, n=1) or [None])[0] for w in words]


def test_the_address(js):
    """url.js and state.js: keys and values whatever the address holds; unknown and repeated
    keys are notes; a case's link gives the case's settings; the query written back is readable."""
    queries = ["", "?seed=1&seed=2", "?foo=1&__proto__=x&constructor=y", "?case=case2", "?case=case2&lr=0.1",
               "?case=nope", "?init=W1%3Dn%2CB2%3D1&lr=%E0%A4%A", "?lr=0.5&&&=&seed", "?SEED=3", "?hidden=%00"]
    got = run(js, "page/state.js", """
        return arg.map((q) => {
            const r = m.fromQuery(q);
            return {texts: Object.fromEntries(r.texts), notes: r.notes, query: m.queryOfTexts(r.texts), hasCase: r.hasCase};
        });""", queries)
    defaults = {s.name: repr(s.default) if s.kind == "number" else str(s.default) for s in FIELDS}
    assert defaults["init"] == experiments.DEFAULT_CASE and defaults["lr"] == repr(experiments.BOOK_SETTINGS.lr)
    assert got[0]["texts"] == defaults and got[0]["notes"] == [] and not got[0]["hasCase"]
    assert got[0]["query"] == "&".join(f"{k}={defaults[k]}" for k in STATE_KEYS)
    assert got[0]["query"].startswith("init=case3&seed=0&lr=0.5&epochs=1000&batch=32&")
    assert got[1]["texts"]["seed"] == "1" and got[1]["notes"] == [{"code": "repeated", "key": "seed", "count": 2}]
    assert [n["key"] for n in got[2]["notes"]] == ["foo", "__proto__", "constructor"]
    assert all(n["code"] == "unknown" for n in got[2]["notes"]) and got[2]["texts"] == defaults
    assert got[3]["texts"]["init"] == "case2" and got[3]["hasCase"]
    assert got[4]["texts"]["init"] == "case2" and got[4]["texts"]["lr"] == "0.1"
    assert got[5]["notes"] == [{"code": "case", "key": "case", "value": "nope"}] and got[5]["texts"] == defaults
    assert got[6]["texts"]["init"] == "W1=n,B2=1" and "init=W1=n,B2=1&" in got[6]["query"]
    assert got[7]["texts"]["seed"] == "" and [n["key"] for n in got[7]["notes"]] == [""]
    assert got[8]["notes"] == [{"code": "unknown", "key": "SEED"}]
    assert got[9]["texts"]["hidden"] == "\x00"


def test_checked_fields_say_it_in_chinese_naming_the_field(js):
    texts = {"init": "bogus", "seed": "1e99", "lr": "abc", "epochs": "100001", "batch": "0", "hidden": "9"}
    got = run(js, "page/state.js", """
        const r = m.check("train", new Map(Object.entries(arg)));
        return {ok: r.ok, errors: Object.fromEntries(r.errors)};""", texts)
    e = got["errors"]
    assert not got["ok"]
    assert e["seed"] == "种子须为不小于 0 的整数，输入的是 '1e99'。"
    assert e["lr"] == "学习率须为大于 0 的数，输入的是 'abc'。"
    assert e["epochs"] == "本页的轮数最多为 100000（命令行没有这个限制），输入的是 100001。"
    assert e["batch"] == "批大小须大于 0，输入的是 0。"
    assert e["hidden"] == "本页的隐层神经元最多为 8（命令行没有这个限制），输入的是 9。"
    assert e["init"].startswith("不认识的初始化 'bogus'。") and "case3" in e["init"]


def test_command_lines(js):
    """The command repeats the run: options in the table's order, named as the command line names them."""
    got = run(js, "page/command.js", """
        const inits = await import('/assets/lab/nn7/inits.js');
        const given = new Map([["init", {value: inits.parseInit("W1=n,B1=1")}], ["seed", {value: 10n ** 30n}],
            ["lr", {value: 0.1 + 0.2}], ["epochs", {value: 7}], ["batch", {value: 16}], ["hidden", {value: 3}]]);
        const bad = new Map([["init", {text: "it's"}], ["seed", {text: "1e99"}]]);
        const trace = new Map([["init", {value: inits.parseInit("case2")}], ["lr", {value: 0.1}],
            ["sample", {value: [[3, 2.85], [0.45, 2.19]]}]]);
        return [m.commandLine("train", given), m.commandLine("train", bad), m.commandLine("trace", trace),
                m.shellWord("a b"), m.shellWord("W1=n,B2=1")];""")
    assert got[0] == ("python -m nn7 train --init W1=normal,B1=ones,W2=zeros,B2=zeros --seed " + str(10**30) +
                      f" --lr {0.1 + 0.2!r} --epochs 7 --batch-size 16 --hidden 3")
    assert got[1] == "python -m nn7 train --init 'it'\\''s' --seed 1e99"
    assert got[2] == "python -m nn7 trace --init case2 --lr 0.1 --sample 3.0,2.85 --sample 0.45,2.19"
    assert got[3:] == ["'a b'", "W1=n,B2=1"]


def test_axes_ticks_and_colours(js):
    ticks = run(js, "page/scale.js", """return {
        nice: [m.niceTicks(0, 25000, 5), m.niceTicks(-1, 1, 4), m.niceTicks(0.0021, 0.0187, 5), m.niceTicks(3, 3)],
        labels: [m.tickLabel(0.2, 0.2), m.tickLabel(1500, 500), m.tickLabel(2e-7, 1e-7), m.tickLabel(3e6, 1e6)],
        log: m.logTicks(-3, -1).filter((t) => t.label).map((t) => t.label), range: m.logRange(0.0021, 0.034),
        powers: [-3, 0, 1, 12].map(m.powerLabel), span: [m.valueRange([[1, 2], [NaN, 3]], 0.5, [0, 1]), m.valueRange([[]], 0.1, [7, 8])],
    };""")
    assert ticks["nice"][0] == {"ticks": [0, 5000, 10000, 15000, 20000, 25000], "step": 5000}
    assert ticks["nice"][1]["ticks"] == [-1, -0.5, 0, 0.5, 1]
    assert ticks["nice"][2]["step"] == 0.005 and ticks["nice"][3] == {"ticks": [3], "step": 1}
    assert ticks["labels"] == ["0.2", "1500", "2e-07", "3e+06"]
    assert ticks["log"] == ["10⁻³", "2×10⁻³", "5×10⁻³", "10⁻²", "2×10⁻²", "5×10⁻²", "10⁻¹"]
    assert ticks["range"] == [0.001, 0.1] and ticks["powers"] == ["10⁻³", "1", "10", "10¹²"]
    assert ticks["span"] == [[0, 4], [7, 8]]
    colours = run(js, "page/colors.js", """return {
        ends: [m.viridis(-5), m.viridis(1), m.viridis(NaN)], mid: m.viridis(0.45),
        text: [m.textOn([253, 231, 37]), m.textOn([68, 1, 84])], units: m.UNIT_COLOURS,
        contrast: [m.contrast([0, 0, 0], [255, 255, 255]), m.contrast([68, 1, 84], [255, 255, 255])],
    };""")
    assert colours["ends"] == [[68, 1, 84], [253, 231, 37], [68, 1, 84]]
    assert colours["text"] == ["#000", "#fff"] and colours["contrast"][0] == pytest.approx(21)
    assert colours["contrast"][1] > 4.5
    # one colour per hidden unit the page allows
    assert colours["units"] >= experiments.setting("train", "hidden").page_maximum


def test_words_and_the_sweeps_plan(js):
    got = run(js, "page/words.js", """
        const pool = await import('/assets/lab/page/sweep-pool.js');
        const section = await import('/assets/lab/page/sweep-section.js');
        return {
            fill: [m.fill("{a} and {b} {a}", {a: 1}), m.fill("{x}", {x: "{y}", y: 2})],
            case9: m.caseLabel({name: "case9"}, {W1: "ones", B1: "normal", W2: "zeros", B2: "zeros"}),
            case2: m.caseLabel({name: "case2"}, {}),
            notes: [m.addressNote({code: "unknown", key: "<b>"}), m.addressNote({code: "repeated", key: "lr", count: 3})],
            seeds: pool.sweepSeeds(12), plan: pool.planTasks(["a", "b", "c"], [0, 1], 2).map((t) => [t.seed, t.inits]),
            short: pool.shortfalls({seeds: 3, lr: 0.5, epochs: 100}), none: pool.shortfalls({seeds: 10, lr: 0.5, epochs: 1000}),
            warning: section.shortWarning({seeds: 3, lr: 0.5, epochs: 100}), book: pool.isBookSweep({seeds: 10, lr: 0.5, epochs: 1000}),
        };""")
    assert got["fill"] == ["1 and {b} 1", "{y}"]
    assert got["case9"] == "case9：W1=1、B1=随机、W2=0、B2=0" and got["case2"].startswith("情况二")
    assert got["notes"] == ["网址中的参数 '<b>' 本页不认识，已忽略。", "网址中的参数 lr 出现了 3 次，本页用的是第一个值。"]
    sw = experiments.SWEEP
    assert got["seeds"] == [*sw.seeds, len(sw.seeds), len(sw.seeds) + 1]
    assert got["plan"] == [[0, ["a"]], [0, ["b"]], [0, ["c"]], [1, ["a"]], [1, ["b"]], [1, ["c"]]]
    assert got["short"] == [{"what": "seeds", "given": 3, "book": len(sw.seeds)},
                            {"what": "epochs", "given": 100, "book": sw.settings.epochs}]
    assert got["none"] == [] and got["book"]
    assert "3 个种子" in got["warning"] and "100 轮" in got["warning"]


def test_the_engine_takes_the_tables_names(js):
    """Options named as the table names them land in nn7's TrainSettings attributes."""
    opts = {s.name: k + 2 for k, s in enumerate(experiments.settings("train")) if s.attribute}
    got = run(js, "nn7/settings.js", "return m.trainSettings(arg);", opts)
    from nn7.settings import TrainSettings

    assert got == TrainSettings.of(opts).as_dict()
    assert json.loads(json.dumps(got)) == got
    # a name the table does not have is an error, not a setting left at its default
    wrong = run(js, "nn7.js", """
        const out = [];
        for (const [fn, opts] of [["train", {batchSize: 16}], ["trace", {steps: 1, batch: 4}], ["sweepSeed", {epochs: 1, seeds: 2}]]) {
            try { fn === "sweepSeed" ? m.sweepSeed(0, ["case1"], opts) : m[fn](opts); out.push(null); }
            catch (e) { out.push(e.message); }
        }
        return out;""")
    assert wrong[0] == ("unknown option 'batchSize'; the options are "
                        + ", ".join(s.name for s in experiments.settings("train") if s.kind in ("number", "whole", "init"))
                        + ", onCheckpoint")
    assert wrong[1].startswith("unknown option 'batch'") and wrong[2].startswith("unknown option 'seeds'")
