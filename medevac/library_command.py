"""``medevac library list|show|rename|delete|export|compare``: the saved variant library.

Every action takes ``--library FILE`` (default: ``MEDEVAC_LIBRARY``, else the user's data
folder). Bad input (an unknown id, a taken name, a damaged library, an existing ``--out``
without ``--force``) raises a :class:`medevac.errors.MedevacError`, which the command line
prints as one line and exits 2 on.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from medevac import messages

EXIT_OK = 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="FILE",
        help="the library file (default: $MEDEVAC_LIBRARY, else library.sqlite in the user's data folder)",
    )
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    listing = actions.add_parser("list", parents=[common], help="the saved variants, oldest first")
    listing.add_argument("--scenario", metavar="FILE", help="only the variants of this scenario file")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    show = actions.add_parser("show", parents=[common], help="one variant: its edits and headline")
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("table", "json"), default="table")
    rename = actions.add_parser("rename", parents=[common], help="give a variant a new name")
    rename.add_argument("id", type=int)
    rename.add_argument("name")
    delete = actions.add_parser("delete", parents=[common], help="remove a variant")
    delete.add_argument("id", type=int)
    export = actions.add_parser("export", parents=[common], help="write a variant as a scenario file")
    export.add_argument("id", type=int)
    export.add_argument("--out", required=True, metavar="SCENARIO.yaml", help="scenario file to write")
    export.add_argument("--force", action="store_true", help="replace an existing --out file")
    compare = actions.add_parser(
        "compare", parents=[common], help="the times that differ between two variants (B against A)"
    )
    compare.add_argument("a", type=int, metavar="A")
    compare.add_argument("b", type=int, metavar="B")
    compare.add_argument("--format", choices=("table", "csv"), default="table")


def run(args: argparse.Namespace) -> int:
    from medevac.library import Library

    library = Library(args.library)
    out = sys.stdout
    if args.action == "list":
        parent_key = None
        if args.scenario:
            from medevac.scenario import load_scenario
            from medevac.whatif import content_key

            parent_key = content_key(load_scenario(args.scenario))
        variants = library.list(parent_key)
        if args.format == "json":
            out.write(
                json.dumps([dataclasses.asdict(v) for v in variants], indent=2, ensure_ascii=False) + "\n"
            )
        else:
            out.write(messages.library_table(variants, str(library.path)))
    elif args.action == "show":
        variant = library.get(args.id)
        if args.format == "json":
            out.write(json.dumps(dataclasses.asdict(variant), indent=2, ensure_ascii=False) + "\n")
        else:
            out.write(messages.variant_details(variant))
    elif args.action == "rename":
        old_name = library.get(args.id).name
        out.write(messages.renamed_text(library.rename(args.id, args.name), old_name))
    elif args.action == "delete":
        out.write(messages.deleted_text(library.delete(args.id)))
    elif args.action == "export":
        path = library.export(args.id, Path(args.out), force=args.force)
        out.write(messages.exported_text(library.get(args.id), str(path)))
    else:
        frame = library.compare(args.a, args.b)
        if args.format == "csv":
            out.write(frame.to_csv(index=False, lineterminator="\n"))
        else:
            rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
            out.write(messages.comparison_text(rows, library.get(args.a), library.get(args.b)))
    return EXIT_OK


__all__ = ["add_arguments", "run"]
