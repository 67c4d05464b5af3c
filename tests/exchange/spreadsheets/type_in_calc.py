"""Type into workbook cells with LibreOffice Calc, as a member at the keyboard would, and save as .xlsx.

Run with Debian's python3, which has LibreOffice's Python bridge (package python3-uno), not with SOMA's venv:

    python3 type_in_calc.py JOBS.json

JOBS.json is a list of {"in": path, "out": path, "sheet": name, "cells": {"I5": "2004", ...}}. Each text is
entered through the dispatcher (.uno:GoToCell, then .uno:EnterString), the path the keyboard takes: Calc
recognises numbers and dates unless the cell's number format is Text. (The API's setFormula does not look at
the cell's format, so it is not what a member does.) Each job runs in a headless Calc with a profile of its own.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _type_and_save(job):
    """One job in a Calc of its own: load, type, save. Calc 7.4 headless may abort in an idle timer right after
    a modified document is saved (in closing it, or even without a further call); the saved file is complete
    when storeToURL returns, so Calc is stopped then instead of being asked to close the document."""
    profile = tempfile.mkdtemp(prefix="soma-calc-profile-")
    pipe = f"soma_calc_{os.getpid()}_{time.monotonic_ns()}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
         f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        context = _connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        # A copy in the private folder: the lock file Calc leaves beside what it opened goes with the folder.
        source = shutil.copy(job["in"], os.path.join(profile, "typed.xlsx"))
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, (_property("Hidden", True),))
        if document is None:
            raise SystemExit(f"Calc could not open {job['in']}")
        controller = document.getCurrentController()
        controller.setActiveSheet(document.Sheets.getByName(job["sheet"]))
        frame = controller.getFrame()
        for address, text in job["cells"].items():
            dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (_property("ToPoint", address),))
            dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (_property("StringName", text),))
        document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(job["out"])),
                            (_property("FilterName", "Calc MS Excel 2007 XML"),))
    finally:
        # soffice is a launcher with soffice.bin under it: stop the process group this script started, and only it.
        os.killpg(office.pid, signal.SIGKILL)
        office.wait()
        shutil.rmtree(profile, ignore_errors=True)


def main(jobs_path):
    with open(jobs_path, encoding="utf-8") as handle:
        for job in json.load(handle):
            _type_and_save(job)


if __name__ == "__main__":
    main(sys.argv[1])
