"""``python -m demo_outlets generate DIR`` / ``serve DIR``."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from demo_outlets.generate import DEFAULT_BASE_PORT, generate_sites
from demo_outlets.server import serve_sites


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m demo_outlets")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the fixture outlets into DIR")
    gen.add_argument("dir")
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--articles-per-outlet", type=int, default=40)
    gen.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 1))
    gen.add_argument("--end", type=date.fromisoformat, default=date(2025, 12, 31))
    gen.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
    srv = sub.add_parser("serve", help="serve a generated DIR on loopback")
    srv.add_argument("dir")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument(
        "--port",
        type=int,
        default=DEFAULT_BASE_PORT,
        help="first port (outlet i on port+i); 0 picks free ports",
    )
    srv.add_argument("--sources-out", help="also write the live sources file here")
    args = parser.parse_args(argv)
    if args.command == "generate":
        manifest = generate_sites(
            args.dir,
            seed=args.seed,
            articles_per_outlet=args.articles_per_outlet,
            start_date=args.start,
            end_date=args.end,
            base_port=args.base_port,
        )
        print(
            f"wrote {len(manifest.articles)} articles for {len(manifest.outlets)} outlets "
            f"to {args.dir} (sources: {args.dir}/sources.yaml)"
        )
        return 0
    server = serve_sites(args.dir, host=args.host, port=args.port)
    if args.sources_out:
        server.write_sources(args.sources_out)
    for outlet_id, origin in server.origins.items():
        print(f"{outlet_id:12s} {origin}/")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
