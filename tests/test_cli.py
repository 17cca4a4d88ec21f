"""The nn7 command: every subcommand, and every bad input giving one clear line and exit 2."""

from __future__ import annotations

import errno
import hashlib
import importlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from nn7 import fileio
from nn7.data import BOOK_DATA_SHA256, generate_book_data
from nn7_cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
BOOK = generate_book_data()
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534


def nn7(*args, cwd=None, **kw) -> subprocess.CompletedProcess:
    if "stdout" not in kw and "stderr" not in kw:
        kw["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "nn7", *args], text=True, cwd=cwd, timeout=300, **kw)


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n") and lines[0].startswith("nn7: error: "), repr(err)
    assert "Traceback" not in err
    return lines[0]


# ---------------------------------------------------------------- what works


def test_data_to_file_and_stdout(tmp_path, capsysbinary):
    out = tmp_path / "x.txt"
    assert main(["data", "-o", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == BOOK_DATA_SHA256
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert main(["data"]) == 0
    assert hashlib.sha256(capsysbinary.readouterr().out).hexdigest() == BOOK_DATA_SHA256
    assert main(["data", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == BOOK
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_rewrite_keeps_the_mode_and_writes_through_a_link(tmp_path):
    target = tmp_path / "private.txt"
    target.write_bytes(b"old")
    target.chmod(0o600)
    assert main(["data", "-o", str(target)]) == 0
    assert target.read_bytes() == BOOK and stat.S_IMODE(target.stat().st_mode) == 0o600
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_bytes(b"old")
    link.symlink_to("real.txt")
    assert main(["data", "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_bytes() == BOOK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "private.txt", "real.txt"]


def test_train_prints_the_book_log(capsys):
    assert main(["train", "--init", "case3", "--epochs", "20", "--every", "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("轮数 9, 迭代 250, 训练集: loss ") and lines[1].startswith("轮数 19, 迭代 500")
    assert [line.split(" = ")[0] for line in lines[2:]] == ["W1", "B1", "W2", "B2"]


def test_train_streams_the_same_log_as_train(capsys):
    from nn7.train import TrainSettings, train

    assert main(["train", "--epochs", "7", "--every", "2", "--seed", "3", "--init", "random"]) == 0
    expected = train("random", TrainSettings(epochs=7, every=2), seed=3).log_lines()
    assert capsys.readouterr().out.splitlines() == expected


def test_train_json(capsys):
    assert main(["train", "--init", "W1=n,B2=1", "--epochs", "3", "--json", "--seed", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["final"]) >= {"train_loss", "train_r2", "val_loss", "val_r2"}
    assert [len(out["params"][k]) for k in ("W1", "B1", "W2", "B2")] == [1, 1, 2, 1]
    assert out["init"] == "W1=normal,B1=zeros,W2=zeros,B2=ones"


def test_inits_and_options_ignore_case_and_spaces(capsys):
    def run(*args):
        assert main(["train", "--epochs", "2", "--json", *args]) == 0
        return json.loads(capsys.readouterr().out)

    assert run("--init", "Case3") == run("--init", "case3") == run("--init", " CASE3 ")
    assert run("--init", "w1 = N , b2=ONES") == run("--init", "W1=n,B2=1") == run("--init", "W1 = normal,B2 =1")
    assert run("--init", "case3", "--accuracy", "Book") == run("--init", "case3")
    assert main(["trace", "--init", "Case2", "--sample", "3 , 2.85", "--sample", " 0.45,2.19"]) == 0
    assert "dZ2=[[0.4757]]" in capsys.readouterr().out


def test_train_on_another_data_file(tmp_path, capsys):
    f = tmp_path / "d.txt"
    f.write_text("# x1 x2 y\n" + "".join(f"{i} {i % 3} {i * 0.5 + (i % 3)}\n" for i in range(30)))
    assert main(["train", "--data", str(f), "--epochs", "5", "--batch-size", "4", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["params"]["W1"]) == 2  # two input columns


def test_data_file_with_bom_crlf_and_commas(tmp_path, capsys):
    rows = "".join(f"{i}.5, {(i * 7) % 11}.25\r\n" for i in range(20))
    plain, bom = tmp_path / "plain.txt", tmp_path / "bom.txt"
    plain.write_text(rows.replace("\r\n", "\n"))
    bom.write_bytes(("\ufeff# year,price\r\n" + rows).encode("utf-8"))
    outs = []
    for f in (plain, bom):
        assert main(["train", "--data", str(f), "--epochs", "3", "--json"]) == 0
        outs.append(json.loads(capsys.readouterr().out)["params"])
    assert outs[0] == outs[1]


def test_trace_prints_the_books_two_iterations():
    proc = nn7("trace", "--init", "case2", "--sample", "3,2.85", "--sample", "0.45,2.19")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "----迭代 1----" and "A1=[[0.7616 0.7616]]" in lines[1] and "dZ2=[[0.4757]]" in lines[2]
    assert "W2=[[-0.0362] [-0.0362]]" in proc.stdout and "----迭代 2----" in proc.stdout
    assert "dA1=[[-0.0264 -0.0264]]" in proc.stdout and "dB2=[[0.7297]]" in proc.stdout


def test_trace_json_and_drawn_samples(capsys):
    assert main(["trace", "--init", "case1", "--steps", "3", "--seed", "2", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert len(steps) == 3
    keys = {"Z1", "A1", "Z2", "dZ2", "dA1", "dZ1", "dW1", "dB1", "dW2", "dB2", "W1", "B1", "W2", "B2"}
    assert keys <= set(steps[0]) and steps[0]["W2"] == [[0.0], [0.0]]


def test_help_shows_every_default(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == {"data", "train", "trace", "figures", "build", "values"}
    for name, sub in commands.items():
        formatter = sub._get_formatter()
        for action in sub._actions:
            if action.option_strings and action.dest != "help":
                text = formatter._get_help_string(action)
                assert "default" in text or "(required)" in text, (name, action.option_strings, text)
    assert main(["train", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for default in ("(default: case3)", "(default: 0.5)", "(default: 1000)", "(default: 32)", "(default: 0)",
                    "(default: 1)", "(default: 2)", "(default: the book's train7.txt)", "(default: r2)"):
        assert default in text, default


def test_figures_are_the_sites_figures(tmp_path, generated, sweep, monkeypatch):
    """`nn7 figures` draws the chapter's figures under the book's names, byte-identical to
    the ones the site build made through the snippets. (The sweep is the session's fresh run
    rather than a second one of its own.)"""
    import nn7.sweep
    from nn7 import experiments
    from nn7.experiments import DIAGRAM

    monkeypatch.setattr(nn7.sweep, "run_sweep", lambda *a, **k: sweep)
    out = tmp_path / "new" / "figs"
    assert main(["figures", "-o", str(out)]) == 0
    names = set(experiments.figures()) | {DIAGRAM}
    assert {p.name for p in out.iterdir()} == names
    for name in names:
        assert (out / name).read_bytes() == (generated.out / "img" / name).read_bytes(), name


def test_values_lists_every_value_the_pages_can_use(generated, capsys, monkeypatch):
    from nn7_site.pages import flatten

    flat = flatten(generated.values)
    assert main(["values", "--root", str(ROOT)]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split(" = ", 1)[0] for line in lines]
    assert names == sorted(flat) and len(names) > 100
    shown = dict(line.split(" = ", 1) for line in lines)
    assert json.loads(shown["case1.final.val_r2"]) == flat["case1.final.val_r2"]
    assert json.loads(shown["data.n"]) == 1000
    assert "…" in shown["sweep.val_r2"] and "(81 items" in shown["sweep.val_r2"]
    monkeypatch.chdir(ROOT / "docs")  # --root is found upwards
    assert main(["values", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(generated.values))


def test_build_outside_a_repository_refuses_and_writes_nothing(tmp_path, capsys, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    assert main(["build"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not inside an nn7 repository" in one_error_line(captured.err)
    assert [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")] == ["a", "a/b"]


# ---------------------------------------------------------------- progress and interrupts


def test_train_streams_its_log_and_ctrl_c_keeps_it(tmp_path):
    """The first log line arrives while training runs; SIGINT then ends it with the
    parameters after the last complete epoch and one line saying so, exit 130."""
    err_file = tmp_path / "err.txt"
    with open(err_file, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "nn7", "train", "--epochs", "1000000"],
                                stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            first = proc.stdout.readline()
            assert first.startswith("轮数 0, 迭代 25, 训练集: loss ") and proc.poll() is None
            time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            rest = proc.stdout.read()
            assert proc.wait(timeout=30) == 130
        finally:
            if proc.poll() is None:
                proc.kill()
    lines = (first + rest).splitlines()
    line = one_error_line(err_file.read_text())
    done = int(line.split("interrupted after ")[1].split(" ")[0])
    assert line.endswith(f"after {done} of 1000000 epochs; the parameters printed are those after the last "
                         "complete epoch") and done >= 2
    assert [l.split(" = ")[0] for l in lines[-4:]] == ["W1", "B1", "W2", "B2"]
    log = lines[:-4]  # every line once, in order (a checkpoint every epoch) ...
    assert all(l.startswith(f"轮数 {i}, ") for i, l in enumerate(log))
    # ... up to the last complete epoch, whose checkpoint is missing only if Ctrl-C came while
    # its losses were being computed
    assert len(log) in (done, done - 1)


def test_interrupt_prints_the_parameters_of_the_last_complete_epoch(capsys, monkeypatch):
    """Ctrl-C during the third checkpoint's line: that line and the parameters after three
    epochs are printed (the same as a 3-epoch run), then one line, exit 130."""
    from nn7.train import Checkpoint

    assert main(["train", "--epochs", "3"]) == 0
    expected = capsys.readouterr().out
    calls = []
    log_line = Checkpoint.log_line

    def interrupted_once(self, accuracy="r2"):
        calls.append(self.epoch)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return log_line(self, accuracy)

    monkeypatch.setattr(Checkpoint, "log_line", interrupted_once)
    assert main(["train", "--epochs", "50"]) == 130
    captured = capsys.readouterr()
    assert captured.out == expected
    assert one_error_line(captured.err) == ("nn7: error: interrupted after 3 of 50 epochs; the parameters "
                                            "printed are those after the last complete epoch")


def test_interrupt_before_the_first_epoch(capsys, monkeypatch):
    from nn7.data import DataLoader

    def stop(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(DataLoader, "epoch_order", stop)
    assert main(["train", "--init", "case2", "--json"]) == 130
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["interrupted"] and out["completed_epochs"] == 0 and out["params"]["B1"] == [[1.0, 1.0]]
    assert "interrupted after 0 of 1000 epochs; the parameters printed are the initial ones" in \
        one_error_line(captured.err)


def test_diverging_run_keeps_its_streamed_lines():
    proc = nn7("train", "--lr", "50", "--epochs", "3")
    assert proc.returncode == 2 and "RuntimeWarning" not in proc.stderr
    assert "training diverged at iteration" in one_error_line(proc.stderr)
    assert all(line.startswith("轮数 ") for line in proc.stdout.splitlines())


# ---------------------------------------------------------------- bad input: one line, exit 2, nothing changed

BAD_FILES = {
    "nonnum.txt": "1 2\n2 3\n3 abc\n",
    "nan.txt": "1 2\nnan 3\n",
    "inf.txt": "1 2\n2 3\n3 4\n4 inf\n",
    "onecol.txt": "1\n2\n3\n",
    "few.txt": "1 2\n2 3\n3 4\n4 5\n5 7\n",
    "const.txt": "".join(f"3 {i}\n" for i in range(20)),
    "comma.txt": "6,77 3,01\n1,05 2,13\n",
    "comma1.txt": "6.77 3.01\n1.05 2.13\n3,01\n",
    "semicolon.txt": "# exported\n6,77;3,01\n",
    "header.txt": "year,price\n6.77,3.01\n",
    "bomheader.txt": "\ufeff# from a spreadsheet\nyear price(label)\n6.77 3.01\n",
    "width3to2.txt": "1 2 3\n4 5 6\n7 8\n",
    "width2to1.txt": "1 2\n3\n",
    "emptycell.txt": "1,2\n3,,4\n",
    "empty.txt": "# nothing\n\n",
}


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """Bad data files and every kind of bad output target, in the current directory."""
    for name, text in BAD_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "binary.bin").write_bytes(b"1 2\n3 \xff\n")
    (tmp_path / "utf16.txt").write_bytes("1 2\n3 4\n".encode("utf-16"))
    (tmp_path / "ro.txt").write_bytes(b"read-only\n")
    (tmp_path / "ro.txt").chmod(0o444)
    (tmp_path / "old.txt").write_bytes(b"old\n")
    (tmp_path / "file.txt").write_bytes(b"a file\n")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "inside.txt").write_bytes(b"x")
    (tmp_path / "ro-dir").mkdir(mode=0o555)
    (tmp_path / "ro-dir").chmod(0o555)
    (tmp_path / "figs").mkdir()
    (tmp_path / "figs" / "init_sweep.png").mkdir()
    (tmp_path / "link-dir").symlink_to("dir")
    (tmp_path / "link-fifo").symlink_to("fifo")
    (tmp_path / "dangling").symlink_to("missing-target")
    (tmp_path / "repo" / "src" / "nn7").mkdir(parents=True)
    (tmp_path / "repo" / "mkdocs.yml").write_text("site_name: x\n")
    monkeypatch.chdir(tmp_path)
    # a reader on the FIFO, so that a writer would not block, and would be seen
    reader = os.open(tmp_path / "fifo", os.O_RDONLY | os.O_NONBLOCK)
    yield tmp_path
    os.close(reader)


def snapshot(folder: Path) -> dict:
    """Every entry's type, mode, size, inode, mtime and bytes (or link target)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        st = os.lstat(path)
        entry = (st.st_mode, st.st_size, st.st_ino, st.st_mtime_ns)
        if stat.S_ISREG(st.st_mode):
            entry += (path.read_bytes(),)
        elif stat.S_ISLNK(st.st_mode):
            entry += (os.readlink(path),)
        out[str(path.relative_to(folder))] = entry
    dev = os.stat("/dev/full")
    out["/dev/full"] = (dev.st_mode, dev.st_rdev)
    return out


def fifo_is_empty(folder: Path) -> bool:
    fd = os.open(folder / "fifo", os.O_RDONLY | os.O_NONBLOCK)
    try:
        return os.read(fd, 100) == b""
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


ROOT_NOTE = "; nn7 respects the mode even when run as root" if AS_ROOT else ""

# (arguments, exit status, words the one line must contain, what to simulate)
BAD = [
    # options, named as typed
    (["train", "--lr", "0"], 2, ["--lr must be > 0 (a learning rate), got 0"], None),
    (["train", "--lr", "-0.5"], 2, ["--lr must be > 0", "got -0.5"], None),
    (["train", "--lr", "abc"], 2, ["--lr must be a number > 0", "'abc'"], None),
    (["train", "--lr", "nan"], 2, ["--lr must be a finite number > 0", "'nan'"], None),
    (["trace", "--lr", "inf"], 2, ["--lr must be a finite number > 0", "'inf'"], None),
    (["trace", "--lr", "0"], 2, ["--lr must be > 0"], None),
    (["train", "--epochs", "0"], 2, ["--epochs must be > 0 (a number of epochs), got 0"], None),
    (["train", "--epochs", "2.5"], 2, ["--epochs must be a whole number > 0", "'2.5'"], None),
    (["train", "--batch-size", "0"], 2, ["--batch-size must be > 0 (a batch size), got 0"], None),
    (["train", "--batch-size", "abc"], 2, ["--batch-size must be a whole number", "'abc'"], None),
    (["train", "--hidden", "0"], 2, ["--hidden must be > 0"], None),
    (["train", "--hidden", "1000000000"], 2, ["--hidden 1000000000 needs about", "GB of memory"], None),
    (["train", "--every", "-2"], 2, ["--every must be > 0", "got -2"], None),
    (["train", "--seed", "-1"], 2, ["--seed must be >= 0, got -1"], None),
    (["trace", "--seed", "x"], 2, ["--seed must be a whole number >= 0", "'x'"], None),
    (["trace", "--steps", "0"], 2, ["--steps must be > 0"], None),
    (["trace", "--steps", "100000"], 2, ["--steps must be <= 10000", "got 100000"], None),
    (["trace", "--sample", "1;2"], 2, ["--sample: expected X,Y (two numbers), got '1;2'"], None),
    (["trace", "--sample", "nan,1"], 2, ["--sample", "finite", "'nan,1'"], None),
    (["trace", "--steps", "3", "--sample", "1,2"], 2, ["--steps 3 does not match the 1 --sample values"], None),
    (["train", "--accuracy", "foo"], 2, ["--accuracy: invalid choice: 'foo'", "'r2', 'book'"], None),
    (["train", "--lr"], 2, ["--lr: expected one argument"], None),
    (["data", "-o"], 2, ["-o: expected one argument"], None),
    (["train", "--bogus"], 2, ["unrecognized arguments: --bogus"], None),
    (["frobnicate"], 2, ["invalid choice: 'frobnicate'", "'values'"], None),
    ([], 2, ["a command is required: data, train, trace, figures, build or values"], None),
    (["figures"], 2, ["required", "-o/--output"], None),
    (["train", "--lr", "50", "--epochs", "3", "--json"], 2, ["training diverged at iteration", "--lr 50"], None),
    # initialisations
    (["train", "--init", "bogus"], 2, ["--init: unknown initialisation 'bogus': use a preset (case1"], None),
    (["train", "--init", "caes3"], 2, ["--init: unknown initialisation 'caes3': did you mean case3?"], None),
    (["trace", "--init", "W1=sometimes"], 2, ["--init: unknown initialisation 'sometimes' for W1"], None),
    (["train", "--init", "W3=n"], 2, ["--init: bad initialisation item 'W3=n'", "W1/B1/W2/B2"], None),
    (["train", "--init", "W1=n, w1=0"], 2, ["--init: W1 is given twice"], None),
    (["train", "--init", ""], 2, ["--init: empty initialisation"], None),
    (["train", "--init", "W1=n,,B1=1"], 2, ["--init: empty item in initialisation 'W1=n,,B1=1'"], None),
    # data files: file and line
    (["train", "--data", "missing.txt"], 2, ["missing.txt: no such file"], None),
    (["train", "--data", "nonnum.txt"], 2, ["nonnum.txt:3: column 2 is not a number: 'abc'"], None),
    (["train", "--data", "nan.txt"], 2, ["nan.txt:2: column 1 is not a finite number: 'nan'"], None),
    (["train", "--data", "inf.txt"], 2, ["inf.txt:4: column 2 is not a finite number: 'inf'"], None),
    (["train", "--data", "onecol.txt"], 2, ["onecol.txt:1: found 1 column; need at least 2"], None),
    (["train", "--data", "few.txt"], 2, ["few.txt: 5 samples are too few for an 80/20"], None),
    (["train", "--data", "const.txt"], 2, ["const.txt: x is constant (3)"], None),
    (["train", "--data", "comma.txt"], 2, ["comma.txt:1: looks like decimal commas: use '.' as the decimal point"],
     None),
    (["train", "--data", "comma1.txt"], 2, ["comma1.txt:3: looks like decimal commas"], None),
    (["train", "--data", "semicolon.txt"], 2, ["semicolon.txt:2: looks like decimal commas"], None),
    (["train", "--data", "header.txt"], 2, ["header.txt:1: looks like a header line ('year,price')", "'#'"], None),
    (["train", "--data", "bomheader.txt"], 2, ["bomheader.txt:2: looks like a header line"], None),
    (["train", "--data", "width3to2.txt"], 2, ["width3to2.txt:3: found 2 columns, expected 3 as on line 1"], None),
    (["train", "--data", "width2to1.txt"], 2, ["width2to1.txt:2: found 1 column, expected 2"], None),
    (["train", "--data", "emptycell.txt"], 2, ["emptycell.txt:2: column 2 is empty"], None),
    (["train", "--data", "empty.txt"], 2, ["empty.txt: no samples"], None),
    (["train", "--data", "dir"], 2, ["dir: is a directory, not a data file"], None),
    (["train", "--data", "binary.bin"], 2, ["binary.bin:2: not a UTF-8 text file"], None),
    (["train", "--data", "utf16.txt"], 2, ["utf16.txt: is UTF-16 text; save it as UTF-8"], None),
    # output targets: only regular files nn7 may write
    (["data", "-o", "no/such/dir/x.txt"], 2, ["no/such/dir: no such directory"], None),
    (["data", "-o", "dir"], 2, ["dir: is a directory; nn7 writes only regular files"], None),
    (["data", "--output", "ro.txt"], 2, [f"ro.txt: no permission to write this file (mode 0444){ROOT_NOTE}"], None),
    (["data", "-o", "fifo"], 2, ["fifo: is a named pipe (FIFO); nn7 writes only regular files"], None),
    (["data", "-o", "/dev/full"], 2, ["/dev/full: is a character device; nn7 writes only regular files"], None),
    (["data", "-o", "link-dir"], 2, ["link-dir: is a symbolic link to dir, which is a directory"], None),
    (["data", "-o", "link-fifo"], 2, ["link-fifo: is a symbolic link to fifo, which is a named pipe"], None),
    (["data", "-o", "dangling"], 2, ["dangling: is a symbolic link to a missing file (missing-target)"], None),
    (["data", "-o", "ro-dir/x.txt"], 2,
     [f"ro-dir/x.txt: cannot create it: no permission to create files in ro-dir (mode 0555){ROOT_NOTE}"], None),
    (["data", "-o", "/proc/x.txt"], 2, ["/proc/x.txt: cannot create it", "/proc"], None),
    (["data", "-o", "ro.txt/x"], 2, ["ro.txt/x: a part of this path is a file, not a directory"], None),
    (["data", "-o", "new.txt"], 2, ["new.txt: No space left on device"], "enospc"),
    (["data", "-o", "old.txt"], 2, ["old.txt: No space left on device"], "enospc"),
    (["figures", "-o", "file.txt"], 2, ["file.txt: is a regular file, not a directory"], None),
    (["figures", "-o", "/proc/figs"], 2, ["/proc/figs: cannot create it: no permission to create files in /proc"],
     None),
    (["figures", "-o", "ro-dir"], 2, ["ro-dir: no permission to create files in this directory (mode 0555)"], None),
    (["figures", "-o", "ro-dir/new"], 2, ["ro-dir/new: cannot create it: no permission to create files in ro-dir"],
     None),
    (["figures", "-o", "figs"], 2, ["figs/init_sweep.png: is a directory; nn7 writes only regular files"], None),
    # the repository
    (["build"], 2, ["not inside an nn7 repository", "mkdocs.yml and src/nn7", "--root"], None),
    (["build", "--root", "dir"], 2, ["--root dir: not an nn7 repository"], None),
    (["values"], 2, ["not inside an nn7 repository"], None),
    (["values", "--root", "repo"], 2, ["repo/build/generated/site.json: no complete generation", "nn7 build"], None),
    # Ctrl-C
    (["data"], 130, ["interrupted"], "interrupt:nn7.data.generate_book_data"),
    (["trace"], 130, ["interrupted"], "interrupt:nn7.trace.trace"),
]


def _simulate(what: str | None, monkeypatch) -> None:
    if what == "enospc":  # the disk fills up half-way through the temporary file
        def full(fd, data):
            os.write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(fileio, "_write_all", full)
    elif what and what.startswith("interrupt:"):
        module, name = what.split(":", 1)[1].rsplit(".", 1)

        def interrupt(*a, **k):
            raise KeyboardInterrupt

        monkeypatch.setattr(importlib.import_module(module), name, interrupt)


def test_there_are_enough_bad_inputs():
    assert len(BAD) >= 40 and len({" ".join(a) + str(s) for a, _, _, s in BAD}) == len(BAD)


@pytest.mark.parametrize("args,status,words,simulate", BAD,
                         ids=[" ".join(a) + (f" [{s}]" if s else "") for a, _, _, s in BAD])
def test_bad_input_is_one_line_and_changes_nothing(args, status, words, simulate, workspace, capsys, monkeypatch):
    before = snapshot(workspace)
    _simulate(simulate, monkeypatch)
    assert main(list(args)) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_error_line(captured.err)
    for word in words:
        assert word in line, (word, line)
    assert snapshot(workspace) == before
    assert fifo_is_empty(workspace)


def test_bad_input_end_to_end_has_no_traceback_and_writes_nothing(tmp_path):
    """Through a real process: exit status 2, one line, no traceback, no file left behind."""
    proc = nn7("train", "--lr", "50", "--epochs", "3", "--json")
    assert proc.returncode == 2 and proc.stdout == "" and "RuntimeWarning" not in proc.stderr
    one_error_line(proc.stderr)
    proc = nn7("data", "-o", str(tmp_path / "missing" / "x.txt"))
    assert proc.returncode == 2 and "no such directory" in one_error_line(proc.stderr)
    proc = nn7("build", cwd=tmp_path)
    assert proc.returncode == 2 and "not inside an nn7 repository" in one_error_line(proc.stderr)
    assert list(tmp_path.iterdir()) == []


def test_full_or_closed_stdout_is_one_line_and_exit_2():
    for args in (["data"], ["train", "--epochs", "2"], ["trace"], ["--help"]):
        with open("/dev/full", "w") as full:
            proc = nn7(*args, stdout=full, stderr=subprocess.PIPE)
        assert proc.returncode == 2, args
        assert one_error_line(proc.stderr) == "nn7: error: cannot write to standard output: No space left on device"
    proc = nn7("data", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, close_fds=True,
               preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert one_error_line(proc.stderr) == "nn7: error: cannot write to standard output: it is closed"


def test_closed_pipe_ends_quietly():
    for args in (["data"], ["train", "--epochs", "5000"]):
        proc = subprocess.Popen([sys.executable, "-m", "nn7", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert len(proc.stdout.read(1)) == 1
        proc.stdout.close()  # as `head -c1` does
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b"", (args, err)
    proc = subprocess.run(f"{sys.executable} -m nn7 data | head -c1", shell=True, capture_output=True, timeout=60)
    assert proc.stdout == b"#" and proc.stderr == b""


def test_targets_nn7_must_not_write(tmp_path):
    """The cases of the table, directly: each target is exactly as it was."""
    ro = tmp_path / "ro.txt"
    ro.write_bytes(b"keep")
    ro.chmod(0o444)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "dir").mkdir()
    (tmp_path / "link").symlink_to("dir")
    for target in (ro, fifo, tmp_path / "dir", tmp_path / "link", Path("/dev/full")):
        with pytest.raises(fileio.OutputError):
            fileio.write_atomic(target, b"new")
        assert main(["data", "-o", str(target)]) == 2
    assert ro.read_bytes() == b"keep" and stat.S_IMODE(ro.stat().st_mode) == 0o444
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert (tmp_path / "dir").is_dir() and list((tmp_path / "dir").iterdir()) == []
    assert os.readlink(tmp_path / "link") == "dir"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "fifo", "link", "ro.txt"]


def test_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    def full(fd, data):
        os.write(fd, data[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fileio, "_write_all", full)
    old = tmp_path / "old.txt"
    old.write_bytes(b"old")
    for target in (old, tmp_path / "new.txt"):
        with pytest.raises(OSError) as err:
            fileio.write_atomic(target, b"new contents")
        assert err.value.errno == errno.ENOSPC and err.value.filename == str(target)
    assert old.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def test_atomic_write_leaves_nothing_half_written(tmp_path, monkeypatch):
    target = tmp_path / "f.txt"
    target.write_bytes(b"old")

    def fail(*a):
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "replace", fail)
    with pytest.raises(OSError):
        fileio.write_atomic(target, b"new contents")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["f.txt"]


# the output-target cases again, as an unprivileged user, in a directory it may read
NOBODY_CASES = [
    (["data", "-o", "root-owned.txt"], ["root-owned.txt: no permission to write this file (mode 0644)"]),
    (["data", "-o", "ro.txt"], ["ro.txt: no permission to write this file (mode 0444)"]),
    (["data", "-o", "new.txt"], ["new.txt: cannot create it: no permission to create files in the current "
                                 "directory", "(mode 0755)"]),
    (["data", "-o", "dir"], ["dir: is a directory; nn7 writes only regular files"]),
    (["data", "-o", "fifo"], ["fifo: is a named pipe (FIFO)"]),
    (["data", "-o", "/dev/full"], ["/dev/full: is a character device"]),
    (["data", "-o", "link-dir"], ["link-dir: is a symbolic link to dir, which is a directory"]),
    (["data", "-o", "/proc/x.txt"], ["/proc/x.txt: cannot create it: no permission to create files in /proc"]),
    (["figures", "-o", "figs"], ["figs: cannot create it: no permission to create files in the current directory"]),
    (["train", "--data", "secret.txt"], ["secret.txt: cannot read it: permission denied"]),
]


def _run_as(uid: int, folder: Path, cases: list[list[str]]) -> list[tuple[int, str, str]]:
    """``main`` on each case in a forked child that switched to ``uid`` (the modules are
    already imported: the unprivileged child may not read the interpreter's own files)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.chdir(folder)
            results = []
            for args in cases:
                out, err = io.BytesIO(), io.StringIO()
                sys.stdout, sys.stderr = io.TextIOWrapper(out, encoding="utf-8"), err
                code = main(list(args))
                sys.stdout.flush()
                results.append((code, out.getvalue().decode("utf-8"), err.getvalue()))
            payload = json.dumps({"uid": os.geteuid(), "results": results}).encode()
        except BaseException as exc:  # noqa: BLE001 - report anything to the parent
            payload = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    reply = json.loads(data)
    if "error" in reply:
        pytest.fail(f"the child running as uid {uid} failed: {reply['error']}")
    assert reply["uid"] == uid
    return reply["results"]


def test_output_targets_as_an_unprivileged_user():
    """As root (the table) nn7 refuses what the mode bits forbid; here the same targets,
    and a file and a directory root owns, as uid 65534."""
    if not AS_ROOT:
        pytest.skip(f"running as uid {os.geteuid()}: the table above already runs as an unprivileged user")
    if not hasattr(os, "fork"):
        pytest.skip("no os.fork on this platform: cannot switch to an unprivileged user in a child")
    folder = Path(tempfile.mkdtemp(prefix="nn7-nobody-"))
    try:
        folder.chmod(0o755)  # root's; readable, not writable, by nobody
        (folder / "root-owned.txt").write_bytes(b"root's\n")
        (folder / "root-owned.txt").chmod(0o644)
        (folder / "ro.txt").write_bytes(b"read-only\n")
        (folder / "ro.txt").chmod(0o444)
        (folder / "secret.txt").write_text("1 2\n" * 20)
        (folder / "secret.txt").chmod(0o600)
        os.mkfifo(folder / "fifo")
        (folder / "dir").mkdir()
        (folder / "link-dir").symlink_to("dir")
        own = folder / "own"
        own.mkdir()
        os.chown(own, NOBODY, NOBODY)
        cases = [args for args, _ in NOBODY_CASES] + [["data", "-o", "own/x.txt"]]
        # import now what the commands import: the child may not read the interpreter's files
        for module in ("nn7.plots", "nn7.batched", "nn7_site.generate", "nn7.sweep", "nn7.diagram", "nn7.trace"):
            importlib.import_module(module)
        assert main(["data", "-o", str(folder / "dir")]) == 2 and main(["data", "-o", "/dev/full"]) == 2
        before = snapshot(folder)
        results = _run_as(NOBODY, folder, cases)
        for (args, words), (code, out, err) in zip(NOBODY_CASES, results):
            assert code == 2 and out == "", (args, code, err)
            line = one_error_line(err)
            assert all(w in line for w in words), (args, line)
            assert "even when run as root" not in line
        code, out, err = results[-1]  # and what it may write, it writes
        assert code == 0 and err == "" and (own / "x.txt").read_bytes() == BOOK
        assert (own / "x.txt").stat().st_uid == NOBODY
        after = snapshot(folder)
        assert {k: v for k, v in after.items() if not k.startswith("own")} == \
            {k: v for k, v in before.items() if not k.startswith("own")}
    finally:
        import shutil

        shutil.rmtree(folder)


# ---------------------------------------------------------------- imports and entry points


@pytest.mark.parametrize("args", [["data"], ["train", "--epochs", "2"], ["trace"]])
def test_data_train_trace_do_not_import_matplotlib(args):
    code = ("import sys\nfrom nn7_cli import main\n"
            f"assert main({args!r}) == 0\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_values_does_not_import_matplotlib(generated):
    code = ("import sys\nfrom nn7_cli import main\n"
            "assert main(['values']) == 0\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


def test_console_script_and_module_entry_points():
    proc = subprocess.run([str(Path(sys.executable).parent / "nn7"), "data"], capture_output=True, timeout=60)
    assert proc.returncode == 0 and hashlib.sha256(proc.stdout).hexdigest() == BOOK_DATA_SHA256
