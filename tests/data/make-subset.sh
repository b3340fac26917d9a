#!/usr/bin/env bash
# Writes the MNIST test subset in tests/data/mnist/ from a folder of full MNIST IDX files, deterministically.
#   usage: tests/data/make-subset.sh SOURCE_DIR [OUT_DIR] [TRAIN TEST]
# SOURCE_DIR holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
# each raw or .gz (the official files, or the 10,000-digit set described in tests/data/README.md). OUT_DIR defaults to
# tests/data/mnist; TRAIN and TEST (defaults 2000 and 500, multiples of 10) are the subset's sizes.
# Rule: from each split, the first TRAIN/10 (TEST/10) images of every digit 0-9 in the file's order, kept in that order,
# so the subset is balanced and the same source always gives the same images. Written as gzip at level 9 with no name
# and time 0 in the header; the four files are replaced together only once all of them are written.
# Needs python3 (standard library only). Bad input: one line naming the file and the fault, exit code 2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] && [ $# -le 4 ] && [ $# -ne 3 ] || { echo "usage: $0 SOURCE_DIR [OUT_DIR] [TRAIN TEST]" >&2; exit 2; }
command -v python3 > /dev/null || { echo "make-subset.sh: python3 is required" >&2; exit 2; }
exec python3 - "$1" "${2:-$here/mnist}" "${3:-2000}" "${4:-500}" <<'PY'
import gzip, hashlib, os, shutil, struct, sys, tempfile

source, out, train_n, test_n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]

def fail(message):
    print(f"make-subset.sh: {message}", file=sys.stderr)
    sys.exit(2)

def size(text, what):
    if not text.isdigit() or int(text) == 0 or int(text) % 10:
        fail(f"{what} size '{text}' is not a positive multiple of 10")
    return int(text)

def read(name):
    """The file's bytes, decompressed; the .gz copy is preferred, as the program's loader prefers it."""
    for path, opener in ((os.path.join(source, name + ".gz"), gzip.open), (os.path.join(source, name), open)):
        if os.path.isfile(path):
            try:
                with opener(path, "rb") as f:
                    return path, f.read()
            except (OSError, EOFError) as e:
                fail(f"{path}: cannot read: {e}")
    fail(f"{source}: missing MNIST file (raw or .gz): {name}")

def idx(name, magic, dims):
    path, data = read(name)
    if len(data) < 4 + 4 * dims:
        fail(f"{path}: truncated header: expected {4 + 4 * dims} bytes, got {len(data)}")
    found = struct.unpack(">I", data[:4])[0]
    if found != magic:
        fail(f"{path}: wrong magic number: expected 0x{magic:08X}, found 0x{found:08X}")
    shape = struct.unpack(f">{dims}I", data[4:4 + 4 * dims])
    count = shape[0] * (shape[1] * shape[2] if dims == 3 else 1)
    if len(data) != 4 + 4 * dims + count:
        fail(f"{path}: expected {4 + 4 * dims + count} bytes, got {len(data)}")
    body = data[4 + 4 * dims:]
    if dims == 3 and shape[1:] != (28, 28):
        fail(f"{path}: image size is {shape[1]}x{shape[2]}, expected 28x28")
    return path, shape[0], body

def subset(images_name, labels_name, n):
    images_path, count, pixels = idx(images_name, 0x803, 3)
    labels_path, label_count, labels = idx(labels_name, 0x801, 1)
    if label_count != count:
        fail(f"{labels_path}: {label_count} labels for {count} images in {images_name}")
    per_class, taken, chosen = n // 10, [0] * 10, []
    for i, label in enumerate(labels):
        if label > 9:
            fail(f"{labels_path}: label {label} at index {i} is outside 0-9")
        if taken[label] < per_class:
            taken[label] += 1
            chosen.append(i)
    short = [d for d in range(10) if taken[d] < per_class]
    if short:
        fail(f"{labels_path}: fewer than {per_class} images of digit {short[0]} ({taken[short[0]]})")
    image_bytes = struct.pack(">IIII", 0x803, n, 28, 28) + b"".join(pixels[i * 784:(i + 1) * 784] for i in chosen)
    label_bytes = struct.pack(">II", 0x801, n) + bytes(labels[i] for i in chosen)
    return {images_name: image_bytes, labels_name: label_bytes}

files = {}
files.update(subset("train-images-idx3-ubyte", "train-labels-idx1-ubyte", size(train_n, "train")))
files.update(subset("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", size(test_n, "test")))

os.makedirs(out, exist_ok=True)
staging = tempfile.mkdtemp(prefix=".make-subset-", dir=out)
try:
    for name, data in files.items():
        with open(os.path.join(staging, name + ".gz"), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
                gz.write(data)
    for name in files:
        os.replace(os.path.join(staging, name + ".gz"), os.path.join(out, name + ".gz"))
finally:
    shutil.rmtree(staging, ignore_errors=True)
for name, data in files.items():
    path = os.path.join(out, name + ".gz")
    print(f"{path}: {os.path.getsize(path)} bytes; decompressed {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
PY
