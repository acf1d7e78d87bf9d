"""Generates the gRPC stubs of vaardig_client from the repository's proto/ with grpcio-tools.

The stubs are not committed: run `python generate.py` after installing grpcio-tools (scripts/test
does). They go to vaardig_client/_gen/, as `vaardig/v1/*_pb2.py` so that their own imports
(`from vaardig.v1 import concepts_pb2`) resolve with _gen on the import path.
"""
import pathlib
import sys

from grpc_tools import protoc

HERE = pathlib.Path(__file__).resolve().parent
PROTO = HERE.parent.parent / "proto"
OUT = HERE / "vaardig_client" / "_gen"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    files = sorted(str(p.relative_to(PROTO)) for p in (PROTO / "vaardig" / "v1").glob("*.proto"))
    status = protoc.main(["protoc", f"-I{PROTO}", f"--python_out={OUT}", f"--grpc_python_out={OUT}", *files])
    for package in (OUT / "vaardig", OUT / "vaardig" / "v1"):
        (package / "__init__.py").touch()
    return status


if __name__ == "__main__":
    sys.exit(main())
