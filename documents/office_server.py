"""The warm LibreOffice's server process: run by the python that has LibreOffice's ``uno``
module (Debian's system python3 with python3-uno), never imported by karta itself.

karta starts it (``documents.office.WarmOffice``) with ``unoserver`` on its path and four
arguments: the XML-RPC port, the UNO port, the LibreOffice profile folder and karta's
process id. It starts LibreOffice itself (unoserver's own start waits a fixed 7 s), serves
unoserver's conversions, prints ``ready`` when it takes requests, and ends — LibreOffice
with it — when LibreOffice dies or karta is gone (even killed), so no office outlives a
batch. Only the standard library, uno and unoserver here: this file runs outside karta's
virtual environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def main() -> None:
    port, uno_port, profile, office, seconds, parent = sys.argv[1:7]
    from unoserver.server import UnoServer  # needs uno: only under LibreOffice's python

    server = UnoServer("127.0.0.1", port, "127.0.0.1", uno_port,
                       Path(profile).as_uri(), float(seconds))
    connection = f"socket,host=127.0.0.1,port={uno_port},tcpNoDelay=1;urp;" \
                 "StarOffice.ComponentContext"
    office_process = subprocess.Popen(
        [office, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
         "--nofirststartwizard", "--norestore", "--nolockcheck",
         f"-env:UserInstallation={Path(profile).as_uri()}", f"--accept={connection}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    server.libreoffice_process = office_process

    def end(*_: object) -> None:
        # the group's other processes (LibreOffice's launcher, soffice.bin under it), then
        # the folder karta made (karta itself may be gone), then this server
        group, me = os.getpgrp(), os.getpid()
        for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if entry.name.isdigit() and int(entry.name) != me and int(fields[2]) == group:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, IndexError, ValueError):
                continue
        office_process.kill()
        office_process.wait()
        if os.getppid() != int(parent):
            import shutil

            shutil.rmtree(Path(profile).parent, ignore_errors=True)
        os.killpg(group, signal.SIGKILL)
        os._exit(1)

    signal.signal(signal.SIGTERM, end)

    def watch() -> None:
        said = False
        while True:
            if os.getppid() != int(parent) or office_process.poll() is not None:
                end()
            if not said and server.xmlrcp_server is not None:
                print("ready", flush=True)
                said = True
            time.sleep(0.05 if not said else 0.5)

    threading.Thread(target=watch, daemon=True).start()
    # unoserver waits 2 s after each refused connection: connect when LibreOffice listens
    import socket

    for _ in range(1200):
        try:
            socket.create_connection(("127.0.0.1", int(uno_port)), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    server.serve()  # returns only when LibreOffice never answered
    end()


if __name__ == "__main__":
    main()
