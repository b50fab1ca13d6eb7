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
from medevac.i18n import gettext

EXIT_OK = 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from medevac.cli import format_argument, name_commands

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar=gettext("FILE"),
        help=gettext(
            "the library file (default: $MEDEVAC_LIBRARY, else library.sqlite in the user's data folder)"
        ),
    )
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    variant_id = {"type": int, "metavar": "id", "help": gettext("the variant's id (medevac library list)")}

    def add(name: str, text: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, parents=[common], help=text, description=text)

    listing = add("list", gettext("the saved variants, oldest first"))
    listing.add_argument(
        "--scenario", metavar=gettext("FILE"), help=gettext("only the variants of this scenario file")
    )
    format_argument(listing, "json")
    show = add("show", gettext("one variant: its edits and headline"))
    show.add_argument("id", **variant_id)  # type: ignore[arg-type]
    format_argument(show, "json")
    rename = add("rename", gettext("give a variant a new name"))
    rename.add_argument("id", **variant_id)  # type: ignore[arg-type]
    rename.add_argument("name", metavar=gettext("name"), help=gettext("the variant's new name"))
    delete = add("delete", gettext("remove a variant"))
    delete.add_argument("id", **variant_id)  # type: ignore[arg-type]
    export = add("export", gettext("write a variant as a scenario file"))
    export.add_argument("id", **variant_id)  # type: ignore[arg-type]
    export.add_argument(
        "--out", required=True, metavar=gettext("SCENARIO.yaml"), help=gettext("scenario file to write")
    )
    export.add_argument("--force", action="store_true", help=gettext("replace an existing --out file"))
    compare = add("compare", gettext("the times that differ between two variants (B against A)"))
    compare.add_argument("a", type=int, metavar="A", help=gettext("the id of the variant compared against"))
    compare.add_argument("b", type=int, metavar="B", help=gettext("the id of the variant compared"))
    format_argument(compare, "csv")
    name_commands(actions)


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
            out.write(messages.variant_details(variant, library.edits_text(variant)))
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
