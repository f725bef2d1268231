"""Collect publish pairs from local git mirrors: what ADF Studio's Publish wrote to
``adf_publish`` and the collaboration-branch tree it was built from.

ADF commits to ``adf_publish`` with the message "ARM template and parameters deployed on
<date>, based on the collaboration branch's commit ID: <sha>". For every such commit whose
<sha> the mirror holds, this writes the source repository's resource files (and its
``arm-template-parameters-definition.json``) and the published files of that factory into
a compact bundle: ``manifest.json`` (one entry per pair: paths to blob ids) and
``blobs/<id>`` (each distinct file once).

Usage: python scripts/collect_publish_pairs.py OUT_DIR MIRROR_GIT_DIR [...]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

MESSAGE = re.compile(r"based on the collaboration branch's commit ID: ?([0-9a-f]{40})")
KIND_FOLDERS = {
    "linkedService", "dataset", "pipeline", "trigger", "dataflow", "integrationRuntime",
    "credential", "managedVirtualNetwork", "factory", "globalParameters",
}  # fmt: skip
ROOT_FILES = ("arm-template-parameters-definition.json", "publish_config.json")
PUBLISHED = ("ARMTemplateForFactory.json", "ARMTemplateParametersForFactory.json")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def tree(repo: Path, commit: str) -> dict[str, str]:
    """path -> blob id of every file in ``commit``."""
    out = {}
    for line in git(repo, "ls-tree", "-r", "-z", commit).split("\0"):
        if not line:
            continue
        meta, path = line.split("\t", 1)
        _mode, kind, blob = meta.split()
        if kind == "blob":
            out[path] = blob
    return out


def publish_commits(repo: Path) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for line in git(repo, "log", "--all", "--format=%H %s").splitlines():
        commit, _, subject = line.partition(" ")
        found = MESSAGE.search(subject)
        if found:
            seen[commit] = found.group(1)
    return list(seen.items())


def factory_folders(files: dict[str, str]) -> list[str]:
    return sorted(
        str(PurePosixPath(p).parent) for p in files if PurePosixPath(p).name == PUBLISHED[0]
    )


def source_roots(files: dict[str, str]) -> dict[str, set[str]]:
    roots: dict[str, set[str]] = {}
    for path in files:
        parts = PurePosixPath(path).parts
        for i, part in enumerate(parts[:-1]):
            if part in KIND_FOLDERS and parts[-1].endswith(".json"):
                roots.setdefault("/".join(parts[:i]), set()).add(part)
                break
    return roots


def factory_names(files: dict[str, str], root: str, repo: Path, commit: str) -> set[str]:
    prefix = f"{root}/factory/" if root else "factory/"
    return {PurePosixPath(p).stem for p in files if p.startswith(prefix)}


def collect(out: Path, repos: list[Path]) -> None:
    blobs = out / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    manifest = []
    for repo in repos:
        name = repo.parent.name.replace("+", "/")
        for commit, source in publish_commits(repo):
            try:
                git(repo, "cat-file", "-e", f"{source}^{{commit}}")
            except subprocess.CalledProcessError:
                continue
            published_tree = tree(repo, commit)
            changed = set(git(repo, "show", "--name-only", "--format=", commit).split("\n"))
            folders = factory_folders(published_tree)
            touched = [f for f in folders if any(c.startswith(f"{f}/") for c in changed)]
            source_tree = tree(repo, source)
            roots = source_roots(source_tree)
            for folder in touched or folders:
                factory = PurePosixPath(folder).name
                named = {r: factory_names(source_tree, r, repo, source) for r in roots}
                candidates = [r for r in roots if factory in named[r]]
                if not candidates and len(roots) == 1 and not any(named.values()):
                    candidates = list(roots)  # no factory file: the one root there is
                if len(candidates) != 1:
                    continue
                if len(factory_names(source_tree, candidates[0], repo, source)) > 1:
                    continue  # two factories' files in one root: which ADF read is unknown
                root = candidates[0]
                prefix = f"{root}/" if root else ""
                src = {
                    p[len(prefix) :]: b
                    for p, b in source_tree.items()
                    if p.startswith(prefix)
                    and (
                        p[len(prefix) :].split("/")[0] in KIND_FOLDERS
                        or p[len(prefix) :] in ROOT_FILES
                    )
                }
                pub_prefix = f"{folder}/" if folder != "." else ""
                pub = {
                    p[len(pub_prefix) :]: b
                    for p, b in published_tree.items()
                    if p.startswith(pub_prefix)
                    and p.endswith(".json")
                    and not p[len(pub_prefix) :].startswith("PartialArmTemplates/")
                }
                for blob in (*src.values(), *pub.values()):
                    target = blobs / blob
                    if not target.exists():
                        target.write_bytes(
                            subprocess.run(
                                ["git", "-C", str(repo), "cat-file", "blob", blob],
                                check=True,
                                capture_output=True,
                            ).stdout
                        )
                date = git(repo, "show", "-s", "--format=%cI", commit).strip()
                manifest.append(
                    {
                        "repository": name,
                        "publish_commit": commit,
                        "source_commit": source,
                        "date": date,
                        "factory": factory,
                        "source": dict(sorted(src.items())),
                        "published": dict(sorted(pub.items())),
                    }
                )
    manifest.sort(key=lambda e: (e["repository"], e["date"], e["publish_commit"]))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{len(manifest)} pairs, {len(list(blobs.iterdir()))} blobs")


if __name__ == "__main__":
    collect(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
