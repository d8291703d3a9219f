"""The RFC 6962 proof vectors of transparency-dev/merkle (see shared data SOURCES.md)."""

import base64
import json
from pathlib import Path

import pytest

from civiclab.methods.merkle import (
    EMPTY_ROOT,
    ProofError,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.shared_data

REFERENCE_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
REFERENCE_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

_VECTOR_ROOT = SHARED_DATA / "merkle"


def _vector_files(kind: str) -> list[Path]:
    # Collected at import time for parametrisation; the test itself reads via `shared_data`.
    folder = _VECTOR_ROOT / kind
    return sorted(folder.rglob("*.json")) if folder.is_dir() else []


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _load(shared_data: Path, kind: str, relative: str) -> dict:
    return json.loads((shared_data / "merkle" / kind / relative).read_text())


def _ids(kind: str) -> list[str]:
    return [str(p.relative_to(_VECTOR_ROOT / kind)) for p in _vector_files(kind)]


@pytest.mark.parametrize("relative", _ids("inclusion"))
def test_inclusion_vector(shared_data, relative):
    case = _load(shared_data, "inclusion", relative)
    proof = [_b64(node) for node in case["proof"] or []]
    args = (_b64(case["leafHash"]), case["leafIdx"], case["treeSize"], proof, _b64(case["root"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("relative", _ids("consistency"))
def test_consistency_vector(shared_data, relative):
    case = _load(shared_data, "consistency", relative)
    proof = [_b64(node) for node in case["proof"] or []]
    args = (case["size1"], case["size2"], proof, _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_every_vector_folder_is_collected(shared_data):
    """Guards against a silently empty parametrisation (e.g. a moved data folder)."""
    assert len(list((shared_data / "merkle").rglob("*.json"))) == len(_ids("inclusion")) + len(
        _ids("consistency")
    )
    assert len(_ids("inclusion")) > 50
    assert len(_ids("consistency")) > 50
    assert any(name.startswith("additional/") for name in _ids("consistency"))


@pytest.mark.parametrize("size", range(9))
def test_reference_tree_roots(size):
    leaves = [leaf_hash(bytes.fromhex(data)) for data in REFERENCE_LEAVES[:size]]
    assert root_hash(leaves).hex() == REFERENCE_ROOTS[size]


def test_empty_root_is_hash_of_nothing():
    assert EMPTY_ROOT.hex() == REFERENCE_ROOTS[0]
