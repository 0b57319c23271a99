"""Installed by ccg_book.dependencies: note which book files this kernel reads."""


def _ccg_install_dependency_audit():
    import inspect
    import os
    import sys

    root = os.environ.get("CCG_DEPENDENCY_ROOT")
    if not root:
        return None
    opened, listed = set(), set()

    def hook(event, args):
        try:
            if event == "open":
                path = args[0]
                if isinstance(path, (str, bytes, os.PathLike)):
                    opened.add(os.path.abspath(os.fsdecode(path)))
            elif event in ("os.listdir", "os.scandir"):
                caller = inspect.currentframe().f_back
                if caller is not None and "importlib" in caller.f_code.co_filename:
                    return  # the import system caching a folder's names, not the notebook listing it
                path = args[0]
                if path is None:
                    listed.add(os.getcwd())
                elif isinstance(path, (str, bytes, os.PathLike)):
                    listed.add(os.path.abspath(os.fsdecode(path)))
        except Exception:  # an audit hook must never break the notebook
            pass

    sys.addaudithook(hook)
    return opened, listed


_ccg_audit = _ccg_install_dependency_audit()


def _ccg_record_dependencies(docname, fingerprint):
    import hashlib
    import json
    import os
    import sys

    if _ccg_audit is None or not os.environ.get("CCG_DEPENDENCY_RECORDS"):
        return
    opened, listed = _ccg_audit
    root = os.path.realpath(os.environ["CCG_DEPENDENCY_ROOT"])
    skip = set(os.environ.get("CCG_DEPENDENCY_SKIP", "").split(os.pathsep)) - {""}

    def inside(path):
        real = os.path.realpath(path)
        if real != root and not real.startswith(root + os.sep):
            return None
        rel = os.path.relpath(real, root).replace(os.sep, "/")
        return None if skip & set(rel.split("/")) else rel

    files = set(opened)
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):
            files.add(name)
    record = {"docname": docname, "fingerprint": fingerprint, "files": {}, "folders": {}}
    for path in files:
        rel = inside(path)
        if rel is not None and os.path.isfile(path):
            with open(path, "rb") as handle:
                record["files"][rel] = hashlib.sha256(handle.read()).hexdigest()
    for path in listed:
        rel = inside(path)
        if rel is not None and os.path.isdir(path):
            names = "\n".join(sorted(os.listdir(path)))
            record["folders"][rel] = hashlib.sha256(names.encode("utf-8")).hexdigest()
    target = os.path.join(os.environ["CCG_DEPENDENCY_RECORDS"], docname + ".json")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1, sort_keys=True)
    os.replace(target + ".tmp", target)
