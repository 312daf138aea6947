#!/usr/bin/python3
"""The Python peer of our moderation path, over segment files.

What a Python team would write for the same job with Debian's packages: PyAV (FFmpeg) decodes the
key frames of each segment, swscale scales them to the model's input, OpenCV's ``cv2.dnn`` runs
the same ONNX file, one worker process per core with one OpenCV thread each.

It does the same work as ours, step for step:

* sampling: key frames only (non-key packets are not sent to the decoder, which also skips
  non-key frames), at most ``--max-frames`` per segment (the bench runs with 1), one decoder
  thread;
* scaling: the whole picture stretched to the model's width x height (our default aspect mode),
  converted to packed RGB24 by swscale with SWS_BILINEAR, as our decoder's FrameScaler does;
* preprocessing: from the model's ``config.yaml`` beside ``model.onnx``: ``(x * scale - mean) /
  std`` per channel in float32, in the layout the model takes (NHWC for the shipped model);
* scores: one ``cv2.dnn`` run per segment over its frames; the segment's score for each label is
  the maximum over its frames.

OpenCV 4.6's ONNX importer cannot read two forms our model uses: ``Clip`` with its bounds as
inputs (opset 11 and later: "node with 3 inputs") and ``Gemm`` without ``transB`` (it takes B's
first dimension for the output size, and then the bias does not fit: "Assertion failed ...
numOutput == blobs[1].total()"). :func:`rewrite_for_cv2` rewrites them
with python3-onnx into forms it reads (Clip with ``min``/``max`` attributes; Gemm as MatMul then
Add) and caches the rewritten file; the arithmetic is the same.

Prints a summary as one JSON line (the keys of our ``PeerComparison run``): segments, wall
seconds, CPU seconds of the workers over the measured passes, segments/s, segments/s per core and
CPU-ms per segment. ``--scores FILE`` writes the scores of the first measured pass, one JSON line
per file, in the same format as ours.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import queue
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path

import av
import cv2
import numpy as np
import onnx
import yaml
from onnx import helper, numpy_helper

REWRITE_VERSION = "1"
CONTAINER = "mpegts"


# ---- the model ------------------------------------------------------------------------------


def rewrite_for_cv2(model):
    """Rewrites, in place, the nodes OpenCV 4.6's ONNX importer rejects; returns (clips, gemms).

    * ``Clip(x, min, max)`` with constant bounds becomes ``Clip(x)`` with ``min``/``max``
      attributes (the opset-6 form, which cv2 reads as ReLU6 whatever the opset says);
    * ``Gemm(A, B, C)`` with constant B and C, alpha = beta = 1 and no transA becomes
      ``MatMul(A, B)`` then ``Add(., C)`` (B transposed first when transB = 1).
    """
    graph = model.graph
    constants = {t.name: t for t in graph.initializer}

    def constant(name, what):
        if name not in constants:
            raise ValueError("%s: %r is not a constant of the graph; cannot rewrite it" % (what, name))
        return numpy_helper.to_array(constants[name])

    nodes = []
    clips = gemms = 0
    for node in graph.node:
        if node.op_type == "Clip" and len(node.input) > 1:
            bounds = {}
            for key, index in (("min", 1), ("max", 2)):
                if len(node.input) > index and node.input[index]:
                    bounds[key] = float(constant(node.input[index], "Clip %s" % node.name).reshape(()))
            nodes.append(helper.make_node("Clip", [node.input[0]], list(node.output), name=node.name, **bounds))
            clips += 1
        elif node.op_type == "Gemm":
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            if attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0 or attrs.get("transA", 0):
                raise ValueError("Gemm %s has %s: only alpha = beta = 1 without transA is rewritten" % (node.name, attrs))
            a, b = node.input[0], node.input[1]
            weights = constant(b, "Gemm %s" % node.name)
            if attrs.get("transB", 0):
                b = b + "/transposed"
                graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(weights.T), b))
            product = node.output[0] + "/matmul"
            nodes.append(helper.make_node("MatMul", [a, b], [product], name=node.name + "/matmul"))
            if len(node.input) > 2 and node.input[2]:
                constant(node.input[2], "Gemm %s" % node.name)
                nodes.append(helper.make_node("Add", [product, node.input[2]], list(node.output), name=node.name + "/add"))
            else:
                nodes[-1].output[0] = node.output[0]
            gemms += 1
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    # Bounds that only the rewritten Clips read are not needed any more.
    used = {name for n in graph.node for name in n.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return clips, gemms


def cv2_model(source, cache_dir):
    """The rewritten copy of ``source``, made once per model content and kept in ``cache_dir``."""
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = cache_dir / ("%s-%s-cv2-r%s.onnx" % (source.parent.parent.name or "model", digest, REWRITE_VERSION))
    if target.is_file():
        return target
    model = onnx.load_from_string(data)
    clips, gemms = rewrite_for_cv2(model)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".onnx.tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(model.SerializeToString())
    os.replace(tmp, target)
    log("peer: rewrote %d Clip and %d Gemm nodes of %s for cv2.dnn: %s" % (clips, gemms, source, target))
    return target


def read_config(path):
    """The preprocessing and labels of the model from its ``config.yaml``."""
    with open(path, encoding="utf-8") as f:
        c = yaml.safe_load(f)
    missing = [k for k in ("width", "height", "layout", "scale", "mean", "std", "labels", "inputName") if k not in c]
    if missing:
        raise ValueError("%s lacks %s" % (path, ", ".join(missing)))
    if c["layout"] not in ("NHWC", "NCHW"):
        raise ValueError("%s: layout must be NHWC or NCHW, got %r" % (path, c["layout"]))
    return {
        "width": int(c["width"]),
        "height": int(c["height"]),
        "layout": c["layout"],
        "scale": np.float32(c["scale"]),
        "mean": np.asarray(c["mean"], dtype=np.float32),
        "std": np.asarray(c["std"], dtype=np.float32),
        "labels": list(c["labels"]),
        "input": c["inputName"],
        "output": c.get("outputName"),
    }


# ---- one segment ----------------------------------------------------------------------------


def sample_frames(path, config, max_frames):
    """The segment's first ``max_frames`` key frames as RGB24 arrays at the model's size."""
    width, height = config["width"], config["height"]
    # The probing decoder skips non-key frames too: without it, opening decodes frames to guess
    # the decoding delay (our decoder does not probe at all when the container is named).
    with av.open(str(path), format=CONTAINER, stream_options=[{"skip_frame": "nokey"}]) as container:
        stream = container.streams.video[0]
        codec = stream.codec_context
        codec.thread_count = 1
        codec.skip_frame = "NONKEY"
        frames = []
        seen_key = False
        for packet in container.demux(stream):
            if packet.size and not packet.is_keyframe and seen_key:
                continue  # never sent to the decoder, as in ours
            seen_key = seen_key or packet.is_keyframe
            for frame in packet.decode():
                if not frame.key_frame:
                    continue
                rgb = frame.reformat(width=width, height=height, format="rgb24", interpolation="BILINEAR")
                frames.append(rgb.to_ndarray())
                if len(frames) == max_frames:
                    return frames
        return frames


def to_tensor(frames, config):
    """Frames to the model's input: (x * scale - mean) / std in float32, NHWC or NCHW."""
    x = np.stack(frames).astype(np.float32)
    x = (x * config["scale"] - config["mean"]) / config["std"]
    if config["layout"] == "NCHW":
        x = x.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(x)


class Scorer:
    """One process's model: cv2.dnn on one thread."""

    def __init__(self, model_file, config):
        cv2.setNumThreads(1)
        self.config = config
        self.net = cv2.dnn.readNetFromONNX(str(model_file))
        self.net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        self.net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        self.outputs = [config["output"]] if config["output"] else self.net.getUnconnectedOutLayersNames()

    def moderate(self, path, max_frames):
        """The score line of one segment file."""
        name = Path(path).name
        try:
            frames = sample_frames(path, self.config, max_frames)
        except (av.AVError, OSError, ValueError, IndexError) as e:
            return {"file": name, "frames": 0, "error": "DECODE_FAILED: %s" % e}
        if not frames:
            return {"file": name, "frames": 0, "error": "NO_FRAMES: no key frame decoded"}
        self.net.setInput(to_tensor(frames, self.config), self.config["input"])
        probabilities = self.net.forward(self.outputs[0]).reshape(len(frames), -1)
        maxima = probabilities.max(axis=0)
        labels = self.config["labels"]
        top = int(np.argmax(maxima))  # the first of equals, as ours
        return {
            "file": name,
            "frames": len(frames),
            "top": labels[top],
            "scores": {label: float(v) for label, v in zip(labels, maxima)},
        }


# ---- the timed run --------------------------------------------------------------------------


def next_item(counter, limit):
    with counter.get_lock():
        k = counter.value
        counter.value = k + 1
    return k if k < limit else None


def cpu_seconds(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def worker(files, model_file, config, args, warm, measured, start, results):
    """One process: load the model, warm up, wait for the others, then the measured passes."""
    try:
        scorer = Scorer(model_file, config)
        n = len(files)
        while (k := next_item(warm, args.warmup_passes * n)) is not None:
            scorer.moderate(files[k % n], args.max_frames)
        start.wait()
        cpu0 = cpu_seconds(resource.RUSAGE_SELF)
        segments = frames = failed = 0
        first_pass = []
        while (k := next_item(measured, args.passes * n)) is not None:
            line = scorer.moderate(files[k % n], args.max_frames)
            segments += 1
            frames += line["frames"]
            failed += "error" in line
            if k < n:
                first_pass.append((k, line))
        results.put(
            {
                "segments": segments,
                "frames": frames,
                "failed": failed,
                "cpu_s": cpu_seconds(resource.RUSAGE_SELF) - cpu0,
                "end": time.monotonic(),
                "scores": first_pass,
            }
        )
    except BaseException:
        start.abort()
        results.put({"error": traceback.format_exc()})


def collect(results, workers):
    """One report per worker; stops them all when one died without a report (a native crash)."""
    reports = []
    while len(reports) < len(workers):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            dead = [w for w in workers if w.exitcode not in (None, 0)]
            if dead:
                for w in workers:
                    w.terminate()
                raise SystemExit("moderate.py: worker %s exited with status %s" % (dead[0].name, dead[0].exitcode))
    return reports


def segment_files(inputs):
    files = []
    for p in map(Path, inputs):
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix == ".ts" and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise SystemExit("moderate.py: %s is neither a segment file nor a folder" % p)
    if not files:
        raise SystemExit("moderate.py: no segment files (*.ts) in %s" % " ".join(inputs))
    return files


def run(args):
    files = segment_files(args.inputs)
    source = Path(args.model)
    config = read_config(Path(args.config) if args.config else source.with_name("config.yaml"))
    model_file = cv2_model(source, Path(args.cache_dir))
    processes = args.processes
    log(
        "peer: %d files, %d worker processes, %s (cv2.dnn, OpenCV %s, 1 thread each), PyAV %s; "
        "key frames, max %d frames, %dx%d %s; %d warm-up and %d measured passes"
        % (len(files), processes, source, cv2.__version__, av.__version__, args.max_frames,
           config["width"], config["height"], config["layout"], args.warmup_passes, args.passes)
    )
    # Fresh interpreters: no OpenCV or FFmpeg state is inherited from this one.
    ctx = multiprocessing.get_context("spawn")
    warm = ctx.Value("l", 0)
    measured = ctx.Value("l", 0)
    start = ctx.Barrier(processes + 1)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=worker, args=(files, model_file, config, args, warm, measured, start, results), name="peer-%d" % i)
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    try:
        start.wait()
    except Exception:
        pass  # a worker failed before the measured passes; its report follows
    t0 = time.monotonic()
    main0 = cpu_seconds(resource.RUSAGE_SELF)
    reports = collect(results, workers)
    main_cpu = cpu_seconds(resource.RUSAGE_SELF) - main0
    for w in workers:
        w.join()
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        for e in errors:
            log(e)
        raise SystemExit("moderate.py: %d of %d workers failed" % (len(errors), processes))

    segments = sum(r["segments"] for r in reports)
    frames = sum(r["frames"] for r in reports)
    failed = sum(r["failed"] for r in reports)
    wall = max(r["end"] for r in reports) - t0
    cpu = sum(r["cpu_s"] for r in reports) + main_cpu
    summary = {
        "side": "peer",
        "workers": processes,
        "segments": segments,
        "frames": frames,
        "failed": failed,
        "wall_s": round(wall, 4),
        "cpu_s": round(cpu, 4),
        "segments_per_s": round(segments / wall, 3) if wall > 0 else 0,
        "segments_per_s_per_core": round(segments / wall / processes, 3) if wall > 0 else 0,
        "cpu_ms_per_segment": round(1000 * cpu / segments, 3) if segments else 0,
        "cpu_s_with_startup": round(cpu_seconds(resource.RUSAGE_CHILDREN) + cpu_seconds(resource.RUSAGE_SELF), 4),
        "max_frames": args.max_frames,
        "files": len(files),
        "passes": args.passes,
    }
    if args.scores:
        lines = sorted((k, line) for r in reports for k, line in r["scores"])
        with open(args.scores, "w", encoding="utf-8") as f:
            for _, line in lines:
                f.write(json.dumps(line) + "\n")
    line = json.dumps(summary)
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            f.write(line + "\n")
    print(line)
    return 0 if failed == 0 else 1


def log(message):
    print(message, file=sys.stderr, flush=True)


def default_cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "streammod", "peer")


def positive(text):
    v = int(text)
    if v < 1:
        raise argparse.ArgumentTypeError("must be >= 1, got %s" % text)
    return v


def non_negative(text):
    v = int(text)
    if v < 0:
        raise argparse.ArgumentTypeError("must be >= 0, got %s" % text)
    return v


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="moderate.py",
        description="Moderate segment files with PyAV and cv2.dnn, one process per core, and print"
        " the run's figures as one JSON line.",
    )
    p.add_argument("inputs", nargs="+", metavar="DIR|FILE", help="segment files, or folders of *.ts files")
    p.add_argument("--model", required=True, help="the model's ONNX file (config.yaml beside it, unless --config)")
    p.add_argument("--config", help="the model's config.yaml (default: beside --model)")
    p.add_argument("--processes", type=positive, default=len(os.sched_getaffinity(0)),
                   help="worker processes (default: one per core, %(default)s here)")
    p.add_argument("--max-frames", type=positive, default=1,
                   help="sampled key frames per segment at most (default %(default)s, as the bench)")
    p.add_argument("--warmup-passes", type=non_negative, default=1,
                   help="unmeasured passes over the files first (default %(default)s)")
    p.add_argument("--passes", type=positive, default=3, help="measured passes over the files (default %(default)s)")
    p.add_argument("--scores", metavar="FILE", help="write the first measured pass's scores here, one JSON line per file")
    p.add_argument("--summary", metavar="FILE", help="also write the summary line here")
    p.add_argument("--cache-dir", default=default_cache_dir(),
                   help="where the rewritten model is kept (default %(default)s)")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run(parse_args(sys.argv[1:])))
