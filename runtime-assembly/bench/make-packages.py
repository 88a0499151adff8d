#!/usr/bin/env python3
"""Generates one package with N versions for each of npm, Maven and PyPI, for the benchmark.

Usage: make-packages.py OUT_DIR N BASE_URL

Writes OUT_DIR/npm/<i>.json (npm publish documents with the tarball attached), OUT_DIR/maven/<v>/
(jar and pom) and OUT_DIR/pypi/*.whl (minimal valid wheels). Everything is generated here.
"""
import base64, hashlib, io, json, os, sys, tarfile, zipfile

out, n, base = sys.argv[1], int(sys.argv[2]), sys.argv[3].rstrip('/')
versions = [f"1.{i // 10}.{i % 10}" for i in range(n)]

def tgz(name, version):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as t:
        for fname, body in (('package/package.json', json.dumps({"name": name, "version": version}).encode()),
                            ('package/index.js', (f"module.exports = '{version}';\n" * 50).encode())):
            info = tarfile.TarInfo(fname)
            info.size = len(body)
            info.mtime = 0
            t.addfile(info, io.BytesIO(body))
    return buf.getvalue()

os.makedirs(f"{out}/npm", exist_ok=True)
name = "bench-pkg"
for i, v in enumerate(versions):
    data = tgz(name, v)
    fname = f"{name}-{v}.tgz"
    doc = {"_id": name, "name": name, "dist-tags": {"latest": v},
           "versions": {v: {"name": name, "version": v, "description": "benchmark package",
                            "dist": {"tarball": f"{base}/{name}/-/{fname}", "shasum": hashlib.sha1(data).hexdigest(),
                                     "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()}}},
           "_attachments": {fname: {"content_type": "application/octet-stream",
                                     "data": base64.b64encode(data).decode(), "length": len(data)}}}
    with open(f"{out}/npm/{i:03d}.json", "w") as f:
        json.dump(doc, f)

for v in versions:
    d = f"{out}/maven/{v}"
    os.makedirs(d, exist_ok=True)
    with zipfile.ZipFile(f"{d}/bench-lib-{v}.jar", "w") as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
        z.writestr("bench/Version.txt", v * 200)
    with open(f"{d}/bench-lib-{v}.pom", "w") as f:
        f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>io.example.bench</groupId><artifactId>bench-lib</artifactId><version>{v}</version><packaging>jar</packaging>
</project>
""")

os.makedirs(f"{out}/pypi", exist_ok=True)
for v in versions:
    dist = f"bench_pkg-{v}.dist-info"
    files = {f"bench_pkg/__init__.py": (f"VERSION = '{v}'\n" * 50).encode(),
             f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: bench-pkg\nVersion: {v}\nRequires-Python: >=3.8\n".encode(),
             f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()},{len(b)}\n"
                     for p, b in files.items()) + f"{dist}/RECORD,,\n"
    with zipfile.ZipFile(f"{out}/pypi/bench_pkg-{v}-py3-none-any.whl", "w") as z:
        for p, b in files.items():
            z.writestr(p, b)
        z.writestr(f"{dist}/RECORD", record)
print(" ".join(versions[-1:]))
