"""The nn7 command: every subcommand, and every bad input giving one clear line and exit 2."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nn7.cli import main
from nn7.data import BOOK_DATA_SHA256

ROOT = Path(__file__).resolve().parents[1]


def nn7(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nn7", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_data_to_file_and_stdout(tmp_path, capsysbinary):
    out = tmp_path / "x.txt"
    assert main(["data", "-o", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == BOOK_DATA_SHA256
    assert main(["data"]) == 0
    assert hashlib.sha256(capsysbinary.readouterr().out).hexdigest() == BOOK_DATA_SHA256


def test_train_prints_the_book_log(capsys):
    assert main(["train", "--init", "case3", "--epochs", "20", "--every", "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("轮数 9, 迭代 250, 训练集: loss ") and lines[1].startswith("轮数 19, 迭代 500")
    assert [line.split(" = ")[0] for line in lines[2:]] == ["W1", "B1", "W2", "B2"]


def test_train_json(capsys):
    assert main(["train", "--init", "W1=n,B2=1", "--epochs", "3", "--json", "--seed", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["final"]) >= {"train_loss", "train_r2", "val_loss", "val_r2"}
    assert [len(out["params"][k]) for k in ("W1", "B1", "W2", "B2")] == [1, 1, 2, 1]
    assert out["init"] == "W1=normal,B1=zeros,W2=zeros,B2=ones"


def test_train_on_another_data_file(tmp_path, capsys):
    f = tmp_path / "d.txt"
    f.write_text("# x1 x2 y\n" + "".join(f"{i} {i % 3} {i * 0.5 + (i % 3)}\n" for i in range(30)))
    assert main(["train", "--data", str(f), "--epochs", "5", "--batch-size", "4", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["params"]["W1"]) == 2  # two input columns


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


def test_figures_are_the_sites_figures(tmp_path, generated, sweep, monkeypatch):
    """`nn7 figures` draws the chapter's figures under the book's names, byte-identical to
    the ones the site build made through the snippets. (The sweep is the session's fresh run
    rather than a second one of its own.)"""
    import nn7.sweep

    monkeypatch.setattr(nn7.sweep, "run_sweep", lambda *a, **k: sweep)
    assert main(["figures", "-o", str(tmp_path)]) == 0
    names = {"init_0_0_b0.png", "init_0_0_b0_result.png", "init_0_1.png", "init_0_1_result.png",
             "init_1_n.png", "init_1_n_result.png", "backprop_7_5_8.png", "init_sweep.png"}
    assert {p.name for p in tmp_path.iterdir()} == names
    for name in names:
        assert (tmp_path / name).read_bytes() == (generated.out / "img" / name).read_bytes(), name


BAD = [
    (["train", "--data", "missing.txt"], "missing.txt: no such file"),
    (["train", "--data", "{nonnum}"], ":3: column 2 is not a number: 'abc'"),
    (["train", "--data", "{nan}"], ":2: column 1 is not a finite number: 'nan'"),
    (["train", "--data", "{inf}"], ":4: column 2 is not a finite number: 'inf'"),
    (["train", "--data", "{onecol}"], ":1: found 1 column; need at least 2"),
    (["train", "--data", "{few}"], "5 samples are too few for an 80/20 train/validation split"),
    (["train", "--data", "{const}"], "x is constant (3); min-max scaling needs min < max"),
    (["train", "--lr", "0"], "lr must be > 0"),
    (["train", "--lr", "-0.5"], "lr must be > 0"),
    (["train", "--epochs", "0"], "epochs must be > 0"),
    (["train", "--batch-size", "0"], "batch_size must be > 0"),
    (["train", "--batch-size", "abc"], "not a whole number: 'abc'"),
    (["train", "--init", "bogus"], "unknown initialisation 'bogus': use a preset (case1"),
    (["trace", "--init", "W1=sometimes"], "unknown initialisation 'sometimes' for W1"),
    (["trace", "--sample", "1;2"], "expected X,Y (two numbers), got '1;2'"),
    (["trace", "--lr", "0"], "lr must be > 0"),
    (["train", "--lr", "50", "--epochs", "3"], "training diverged at iteration"),
    (["data", "-o", "no/such/dir/x.txt"], "no/such/dir: no such directory"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
]


@pytest.fixture
def bad_files(tmp_path):
    files = {
        "nonnum": "1 2\n2 3\n3 abc\n",
        "nan": "1 2\nnan 3\n",
        "inf": "1 2\n2 3\n3 4\n4 inf\n",
        "onecol": "1\n2\n3\n",
        "few": "1 2\n2 3\n3 4\n4 5\n5 7\n",
        "const": "".join(f"3 {i}\n" for i in range(20)),
    }
    paths = {}
    for name, text in files.items():
        (tmp_path / f"{name}.txt").write_text(text)
        paths[name] = str(tmp_path / f"{name}.txt")
    return paths


@pytest.mark.parametrize("args,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_exit_2(args, message, bad_files, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [a.format(**bad_files) for a in args]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nn7: error: ") and message in err[0], captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(p).name for p in bad_files.values())


def test_bad_input_end_to_end_has_no_traceback_and_writes_nothing(tmp_path):
    """Through a real process: exit status 2, one line, no traceback, no file left behind."""
    target = tmp_path / "out.txt"
    proc = nn7("train", "--lr", "50", "--epochs", "3")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "RuntimeWarning" not in proc.stderr
    proc = nn7("data", "-o", str(tmp_path / "missing" / "x.txt"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == [] and not target.exists()


def test_atomic_write_leaves_nothing_half_written(tmp_path, monkeypatch):
    from nn7 import fileio

    target = tmp_path / "f.txt"
    target.write_bytes(b"old")

    def fail(*a):
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "replace", fail)
    with pytest.raises(OSError):
        fileio.write_atomic(target, b"new contents")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["f.txt"]


@pytest.mark.parametrize("args", [["data"], ["train", "--epochs", "2"], ["trace"]])
def test_data_train_trace_do_not_import_matplotlib(args):
    code = ("import sys\nfrom nn7.cli import main\n"
            f"assert main({args!r}) == 0\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_console_script_and_module_entry_points():
    proc = subprocess.run([str(Path(sys.executable).parent / "nn7"), "data"], capture_output=True, timeout=60)
    assert proc.returncode == 0 and hashlib.sha256(proc.stdout).hexdigest() == BOOK_DATA_SHA256
