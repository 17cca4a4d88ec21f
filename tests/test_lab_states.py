"""The lab page in every state a reader can put it in, in headless Chromium:

* hostile addresses (a corpus of more than 30): no page error, the form shown and usable, and a
  message naming the field (or the address's key) for each;
* seeds of any size (2**53, 2**64 + 1, 10**30): the page's log is what `nn7 train` prints;
* the error, divergence and failed-sweep states: every message is Chinese, from the text file
  (no English sentence anywhere in the page's visible prose);
* 先试这三步: each step's button puts the page in its state, and the guide follows the page;
* reading: the seed's two roles, all-zero training (a constant), the too-short sweep warning,
  the per-unit table unclipped at 1280 px.
"""

from __future__ import annotations

import pytest
from lab_support import base_url, english_sentences, lab, run_command  # noqa: F401 (fixtures)

from nn7 import experiments

pytestmark = [pytest.mark.browser, pytest.mark.site]

LABELS = {"seed": "种子", "lr": "学习率", "epochs": "轮数", "batch": "批大小", "hidden": "隐层神经元", "init": "初始化"}

# (query, the field whose message it is, or None for a note on the address; a word the message contains)
HOSTILE = [
    ("?seed=1e99", "seed", "'1e99'"),
    ("?seed=-1", "seed", "-1"),
    ("?seed=1e3", "seed", "'1e3'"),
    ("?seed=", "seed", "''"),
    ("?seed=%EF%BC%91%EF%BC%92", "seed", "'１２'"),  # full-width digits
    ("?seed=" + "9" * 101, "seed", "101"),
    ("?seed=0x10", "seed", "'0x10'"),
    ("?seed=1%20%20%202", "seed", "'1   2'"),
    ("?lr=abc", "lr", "'abc'"),
    ("?lr=-0.5", "lr", "-0.5"),
    ("?lr=1e999", "lr", "'1e999'"),
    ("?lr=nan", "lr", "'nan'"),
    ("?lr=-Infinity", "lr", "'-Infinity'"),
    ("?lr=0", "lr", "0"),
    ("?lr=%3Cscript%3Ealert(1)%3C/script%3E", "lr", "'<script>alert(1)</script>'"),
    ("?lr=%FF", "lr", "'\ufffd'"),
    ("?lr=" + "7" * 5000, "lr", "…"),  # huge: quoted up to 40 characters, then …
    ("?epochs=1e6", "epochs", "'1e6'"),
    ("?epochs=100001", "epochs", "100000"),
    ("?epochs=99999999999999999999999", "epochs", "100000"),
    ("?epochs=2.5", "epochs", "'2.5'"),
    ("?epochs=-3", "epochs", "-3"),
    ("?batch=0", "batch", "0"),
    ("?batch=abc", "batch", "'abc'"),
    ("?batch=%E2%80%8B32", "batch", "'\\u200b32'"),  # a zero-width space
    ("?hidden=9", "hidden", "8"),
    ("?hidden=0", "hidden", "0"),
    ("?hidden=1e1", "hidden", "'1e1'"),
    ("?hidden=%00", "hidden", "'\\x00'"),
    ("?init=bogus", "init", "'bogus'"),
    ("?init=W1=sometimes", "init", "'sometimes'"),
    ("?init=%3Cimg%20src=x%20onerror=alert(1)%3E", "init", "'<img src=x onerror=alert(1)>'"),
    ("?init=", "init", "空"),
    ("?init=W1=n,,B1=1", "init", "逗号"),
    ("?init=W1=n%2Cw1%3D0", "init", "两次"),
    ("?foo=1", None, "'foo'"),
    ("?__proto__=1", None, "'__proto__'"),
    ("?constructor=x&toString=y", None, "'toString'"),
    ("?seed=1&seed=2", None, "seed"),
    ("?case=nope", None, "'nope'"),
    ("?case=__proto__", None, "'__proto__'"),
]


# Another address in the same page, as the browser's back and forward buttons give it (the
# page reads it as it reads the address it was opened with).
VISIT = """(query) => {
    history.pushState(null, '', location.pathname + query);
    window.dispatchEvent(new PopStateEvent('popstate'));
}"""


def test_hostile_addresses_give_a_message_and_a_usable_form(lab):
    assert len(HOSTILE) >= 30
    v = lab(None)
    for k, (query, field, word) in enumerate(HOSTILE):
        if k % 8 == 0:
            v.open(query)  # some opened afresh, the others reached with back/forward
        else:
            v.page.evaluate(VISIT, query)
        assert not v.errors, f"{query}: {v.errors}"
        assert v.page.is_visible("#lab-form") and v.page.is_enabled("#lab-run"), query
        if field is None:
            message = v.text("#lab-address-notes")
            assert "网址中" in message and word in message, f"{query}: {message!r}"
        else:
            message = v.text(f"#lab-{field}-error")
            assert message.startswith(LABELS[field]) or f"本页的{LABELS[field]}" in message or \
                (field == "init" and "初始化" in message), f"{query}: {message!r}"
            assert word in message, f"{query}: {word!r} not in {message!r}"
            assert "设置有误" in v.text("#lab-status")
        v.page.click("#lab-run")  # nothing to run; nothing breaks
        assert not english_sentences(v.page), query
    # and the form is usable: a good value replaces the bad one
    v.open("?seed=1e99&epochs=3")
    v.set_field("#lab-seed", "5")
    assert v.text("#lab-seed-error") == "" and v.query()["seed"] == "5"
    v.train()
    assert v.text("#lab-log").startswith("轮数 2, 迭代 75")
    v.check_clean()


def test_seeds_of_any_size_give_nn7s_numbers(lab):
    v = lab(None)
    for seed in (2**53, 2**64 + 1, 10**30):
        v.open(f"?init=random&seed={seed}&epochs=4&hidden=3")
        assert v.text("#lab-seed-error") == ""
        v.train()
        command = v.text("#lab-command")
        assert f"--seed {seed} " in command
        assert v.text("#lab-log").split("\n") == run_command(command).rstrip("\n").split("\n")[-5:], seed
    v.check_clean()


WORKER_FAILS = "self.onmessage = () => { throw new Error('planted: the worker failed'); };"


def test_error_divergence_and_failure_states_are_chinese(lab):
    v = lab("?init=bogus&seed=-1&lr=abc&epochs=0&batch=x&hidden=9&foo=1&seed=2")
    assert english_sentences(v.page) == []
    # divergence: the engine's message (nn7's English line) is said in Chinese
    v.open("?lr=50&epochs=3")
    v.train()
    status = v.text("#lab-status")
    assert status.startswith("训练发散：第 73 次迭代（第 2 轮）") and "学习率 50" in status, status
    assert english_sentences(v.page) == []
    # a single step with invalid settings, and a sweep with invalid fields
    v.open("?lr=abc")
    v.page.click("#lab-step")
    assert "设置有误" in v.text("#lab-trace-note")
    for field, typed in (("#lab-sweep-seeds", "0"), ("#lab-sweep-lr", "x"), ("#lab-sweep-epochs", "-1")):
        v.page.fill(field, typed)
    v.page.click("#lab-sweep-start")
    assert v.text("#lab-sweep-seeds-error").startswith("种子数") and v.text("#lab-sweep-status") == "尚未扫描。"
    assert english_sentences(v.page) == []
    # a worker that fails: the page says so in its own words
    v.context.route("**/assets/lab/page/sweep-worker.js", lambda route: route.fulfill(
        body=WORKER_FAILS, content_type="text/javascript"))
    v.open("")
    v.page.fill("#lab-sweep-seeds", "1")
    v.page.fill("#lab-sweep-epochs", "2")
    v.page.click("#lab-sweep-start")
    v.page.wait_for_function("() => /扫描失败/.test(document.getElementById('lab-sweep-status').textContent)")
    assert v.text("#lab-sweep-status") == "扫描失败：后台线程意外停止了。请重新载入本页再试。"
    assert v.page.get_attribute("#lab-sweep-start", "aria-disabled") == "false"
    assert english_sentences(v.page) == []
    v.check_clean()


def test_the_three_steps(lab):
    v = lab("?init=case3&epochs=20")
    p = v.page
    steps = p.locator("#lab-guide li[data-step]")
    assert steps.count() == 3 and v.text("#lab-guide-status") == "下一步：第 1 步。"

    def done():
        return p.eval_on_selector_all("#lab-guide li[data-step]", "ls => ls.map(l => l.dataset.done === 'true')")

    steps.nth(0).locator("button").click()
    v.wait_trained()
    case2 = experiments.case("case2")
    assert v.value("#lab-case") == "case2" and v.query()["epochs"] == str(case2.settings.epochs)
    units = v.units()
    assert units[0] == units[1] and "完全相等" in v.text("#lab-distinct")
    assert done() == [True, False, False] and steps.nth(1).get_attribute("aria-current") == "step"

    steps.nth(1).locator("button").click()
    assert p.evaluate("() => document.activeElement.id") == "lab-distinct"
    assert done() == [True, True, False] and v.text("#lab-guide-status") == "下一步：第 3 步。"

    steps.nth(2).locator("button").click()
    v.wait_trained()
    assert v.query()["init"] == "W1=normal,B1=ones,W2=zeros,B2=ones"
    units = v.units()
    assert units[0] != units[1] and "各不相同" in v.text("#lab-distinct")
    assert done() == [True, True, True] and v.text("#lab-guide-status") == "三步都完成了。"
    assert v.text("#lab-log").split("\n") == run_command(v.text("#lab-command")).rstrip("\n").split("\n")[-5:]
    p.select_option("#lab-case", "case3")  # done stays done
    assert done() == [True, True, True]
    v.check_clean()
    # the guide follows the page: case 2 trained by hand is step 1 done
    v = lab("?init=case2&epochs=10")
    assert v.text("#lab-guide-status") == "下一步：第 1 步。"
    v.train()
    assert v.page.eval_on_selector("#lab-guide li[data-step=case]", "l => l.dataset.done") == "true"
    assert v.text("#lab-guide-status") == "下一步：第 2 步。"
    v.check_clean()


def test_what_a_reader_is_told(lab):
    v = lab("?init=case1&epochs=3&hidden=8")
    assert "训练集" in v.text("#lab-seed-note") and "验证集" in v.text("#lab-seed-note")  # the seed's two roles
    v.train()
    distinct = v.text("#lab-distinct")
    assert "常数" in distinct and "只有 B2 在学习" in distinct and "相当于只有 1 个" not in distinct
    box = v.page.eval_on_selector("#lab-units-box", "b => [b.scrollWidth, b.clientWidth]")
    assert box[0] <= box[1], f"the per-unit table is clipped at 1280 px: {box}"
    assert v.page.eval_on_selector_all("#lab-units-body tr", "rs => rs.length") == 8
    # the sweep: settings shorter than the extension experiment's are flagged before and after
    assert v.text("#lab-sweep-warning") == ""
    v.page.fill("#lab-sweep-seeds", "1")
    v.page.fill("#lab-sweep-epochs", "3")
    warning = v.text("#lab-sweep-warning")
    assert "1 个种子" in warning and "3 轮" in warning
    v.page.click("#lab-sweep-start")
    v.page.wait_for_function("() => /扫描完成/.test(document.getElementById('lab-sweep-status').textContent)")
    assert warning in v.text("#lab-sweep-summary")
    v.check_clean()
