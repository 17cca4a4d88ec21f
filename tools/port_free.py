"""`make serve` checks its port first: a busy port is one line, not a traceback."""

import socket
import sys

port = int(sys.argv[1])
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        print(f"serve: error: port {port} is in use on 127.0.0.1; choose another with `make serve PORT={port + 1}`",
              file=sys.stderr)
        sys.exit(2)
