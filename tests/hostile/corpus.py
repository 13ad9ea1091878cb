"""A corpus of hostile files for every reader: broken, lying, huge, tricky, or not files at all.

Small files are committed in ``tests/hostile/files/`` (written by this script:
``python -m tests.hostile.corpus --committed``; a test checks they still are
what it writes). Big files (bombs, a million lines, 51 MB) and things that
are not regular files (FIFO, symlink to ``/dev/zero``, directory, loops) are
made at test time in a temporary directory: ``write_corpus(directory)``.

Every case says what it attacks; the test runs each through
``python -m geo validate``, ``coverage --operators``, ``coverage --adherents``
and the app's uploader, and asks for a clean French answer (exit status 0, 1
or 2, the file named, no traceback) within 30 s and 1 GB.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
COMMITTED = HERE / "files"
MEGALIS_UUID = "7e7ff701-de04-476e-bfca-3db263c7dc33"
MEGALIS_SIRET = "25351449100047"
ANCT_HEADER = '"id";"nom";"nom_avec_article";"statut";"url";"siret";"services";"departements"\n'
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Case:
    name: str
    attack: str  # what it tries, in French
    build: Callable[[Path], None]  # writes the case at the given path
    committed: bool = True  # small and deterministic: kept in tests/hostile/files
    uploadable: bool = True  # a regular file the app's uploader can receive
    #: ``validate`` must refuse it (exit 2), or read it with a report (False), or
    #: either (None: the time budget may stop it first on a slow machine).
    refused: bool | None = True


def data(content: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.write_bytes(content() if callable(content) else content)

    return build


# --------------------------------------------------------------------------- XLSX by hand

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(reference: str, value: object, style: int | None = None) -> str:
    styled = f' s="{style}"' if style is not None else ""
    if isinstance(value, int | float):
        return f'<c r="{reference}"{styled}><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"{styled}><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list[object]], dimension: str | None = None, start: int = 1) -> bytes:
    body = []
    for number, values in enumerate(rows, start=start):
        cells = "".join(
            cell(f"{column_letter(i)}{number}", v) for i, v in enumerate(values, 1) if v != ""
        )
        body.append(f'<row r="{number}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<worksheet xmlns="{NS}">{dim}<sheetData>{"".join(body)}</sheetData></worksheet>'.encode()
    )


def xlsx(
    sheets: list[tuple[str, bytes]],
    extra: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal workbook (no styles, inline strings), byte-for-byte reproducible."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" Type="{REL_NS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(
                f'<sheet name="{escape(title)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (title, _) in enumerate(sheets, 1)
            )
            + "</sheets></workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG_NS}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Relationships>"
        ).encode(),
    }
    for i, (_, xml) in enumerate(sheets, 1):
        members[f"xl/worksheets/sheet{i}.xml"] = xml
    members.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compression
            archive.writestr(info, content)
    return buffer.getvalue()


LIST_ROWS = [["Code INSEE", "Nom", "OPSN"], ["01001", "L'Abergement-Clémenciat", "sitpi"]]


def xlsx_streamed_member(name: str, chunks, size_hint: str = "") -> bytes:
    """A workbook whose sheet 1 is written from ``chunks`` (bytes), compressed as a stream."""
    small = xlsx([("Feuil1", b"")])
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(small)) as source,
        zipfile.ZipFile(buffer, "w", compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            target.writestr(info, source.read(info.filename))
        info = zipfile.ZipInfo(name, FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as out:
            for chunk in chunks:
                out.write(chunk)
    return buffer.getvalue()


def xlsx_xml_bomb() -> bytes:
    """Sheet XML of 300 MB compressed into about 1 MB (above the 250 MB per-sheet cap)."""
    row = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    block = row * (1024 * 1024 // len(row))

    def chunks():
        yield f'<worksheet xmlns="{NS}"><sheetData>'.encode()
        for _ in range(300):
            yield block
        yield b"</sheetData></worksheet>"

    return xlsx_streamed_member("xl/worksheets/sheet1.xml", chunks())


def _numbers(count: int, seed: int) -> list[int]:
    generator = random.Random(seed)
    return [generator.randrange(10**9) for _ in range(count)]


def xlsx_giant_row() -> bytes:
    """One row of two million cells (openpyxl would build it whole before yielding it).

    Values vary so that the archive is not refused for its compression ratio
    first: the cell count must be what stops it.
    """
    values = _numbers(10_000, 2)

    def chunks():
        yield f'<worksheet xmlns="{NS}"><sheetData><row r="1">'.encode()
        for _ in range(200):
            yield "".join(f"<c><v>{v}</v></c>" for v in values).encode()
        yield b"</row></sheetData></worksheet>"

    return xlsx_streamed_member("xl/worksheets/sheet1.xml", chunks())


def xlsx_many_cells() -> bytes:
    """Eleven million cells in rows of sixteen (within the row cap, beyond the cell cap)."""
    values = [v % 100 for v in _numbers(40_000, 3)]
    block = "".join(
        "<row>" + "".join(f"<c><v>{v}</v></c>" for v in values[i : i + 16]) + "</row>"
        for i in range(0, len(values), 16)
    ).encode()

    def chunks():
        yield f'<worksheet xmlns="{NS}"><sheetData>'.encode()
        for _ in range(275):
            yield block
        yield b"</sheetData></worksheet>"

    return xlsx_streamed_member("xl/worksheets/sheet1.xml", chunks())


def xlsx_lying_file_size() -> bytes:
    """The sheet declares 200 bytes uncompressed but holds 20 MB (zip headers patched)."""
    real = sheet_xml(LIST_ROWS + [["01004", "Ambérieu", "sitpi"]] * 300_000)
    archive = bytearray(xlsx([("Feuil1", real)]))
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = 0
        while (position := archive.find(signature, position)) >= 0:
            name_length = struct.unpack_from("<H", archive, position + offset + 4)[0]
            start = position + (30 if signature == b"PK\x03\x04" else 46)
            if archive[start : start + name_length] == name:
                struct.pack_into("<I", archive, position + offset, 200)
            position += 4
    return bytes(archive)


def xlsx_with_entities(doctype: str) -> bytes:
    shared = (
        f'<?xml version="1.0"?>{doctype}<sst xmlns="{NS}" count="1" uniqueCount="1">'
        "<si><t>&x;</t></si></sst>"
    ).encode()
    sheet = f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    sheet += "</sheetData></worksheet>"
    workbook = xlsx([("Feuil1", sheet.encode())], {"xl/sharedStrings.xml": shared})
    return _add_shared_strings_relation(workbook)


def _add_shared_strings_relation(workbook: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rId99" Type="{REL_NS}/sharedStrings" '
                    'Target="sharedStrings.xml"/></Relationships>'.encode(),
                )
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(info, content)
    return buffer.getvalue()


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY x "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)
XXE = '<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def xlsx_date_overflow() -> bytes:
    styles = (
        f'<styleSheet xmlns="{NS}"><fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
        "</cellXfs></styleSheet>"
    ).encode()
    sheet = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="1">{cell("A1", "Code INSEE")}'
        f'{cell("B1", "OPSN")}{cell("C1", "Depuis")}</row><row r="2">{cell("A2", "01001")}'
        f'{cell("B2", "sitpi")}<c r="C2" s="1"><v>1e+300</v></c></row></sheetData></worksheet>'
    ).encode()
    workbook = xlsx([("Feuil1", sheet)], {"xl/styles.xml": styles})
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rId98" Type="{REL_NS}/styles" Target="styles.xml"/>'
                    "</Relationships>".encode(),
                )
            target.writestr(info, content)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compression
            archive.writestr(info, content)
    return buffer.getvalue()


def encrypted_flag(workbook: bytes) -> bytes:
    archive = bytearray(workbook)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = 0
        while (position := archive.find(signature, position)) >= 0:
            flags = struct.unpack_from("<H", archive, position + offset)[0]
            struct.pack_into("<H", archive, position + offset, flags | 1)
            position += 4
    return bytes(archive)


# --------------------------------------------------------------------------- gzip


def gzip_fixed(content: bytes) -> bytes:
    return gzip.compress(content, mtime=0)


def gzip_bomb() -> bytes:
    """300 MB of a repeated line, compressed to about 1 MB."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    line = b"01001;sitpi\n" * 87_381  # about 1 MB
    parts = [compressor.compress(b"insee;opsn\n")]
    parts += [compressor.compress(line) for _ in range(300)]
    parts.append(compressor.flush())
    return b"".join(parts)


def bad_crc() -> bytes:
    good = bytearray(gzip_fixed(b"insee;opsn\n01001;sitpi\n"))
    good[-8:-4] = b"\x00\x00\x00\x00"
    return bytes(good)


# --------------------------------------------------------------------------- texts

PAYLOADS = [
    "[cliquez ici](http://3232235777/)",
    "http://3232235777/ et www.piege.exemple",
    "![image](http://piege.exemple/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "$x^2$ et $$\\int$$",
    ":red[rouge] :material/home: **gras** _italique_",
    "<a href='http://piege.exemple'>lien</a>",
    "javascript:alert(1)",
    "# titre\n- liste",
]

FORMULAS = [
    '=HYPERLINK("http://piege.exemple";"clic")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def markdown_payload() -> bytes:
    lines = ["Code INSEE;Nom;OPSN"]
    for i, payload in enumerate(PAYLOADS):
        shown = payload.replace("\n", " ").replace(";", ",")
        lines.append(f"{shown};{shown};sitpi")
        lines.append(f"9999{i};{shown};{shown}")
    return ("\n".join(lines) + "\n").encode()


def formula_payload() -> bytes:
    lines = ["Code INSEE;Nom;OPSN"]
    for formula in FORMULAS:
        text = formula.replace(";", ",").replace("\r", " ").replace("\n", " ")
        lines.append(f'"{text}";"{text}";"{text}"')
    lines.append("01001;=1+1;sitpi")
    return ("\n".join(lines) + "\n").encode()


def operators_csv(rows: list[list[str]]) -> bytes:
    out = ANCT_HEADER
    for row in rows:
        out += ";".join(f'"{v}"' for v in row) + "\n"
    return out.encode()


def one_million(
    line: Callable[[int], str], header: str = "Code INSEE;Nom;OPSN"
) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with path.open("w", encoding="utf-8") as out:
            out.write(header + "\n")
            for i in range(1_000_000):
                out.write(line(i))

    return build


def sparse(size: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with path.open("wb") as handle:
            handle.truncate(size)

    return build


def special(kind: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "zero":
            path.symlink_to("/dev/zero")
        elif kind == "directory":
            path.mkdir()
            (path / "dedans.csv").write_bytes(b"insee;opsn\n01001;sitpi\n")
        elif kind == "loop":
            path.symlink_to(path.name)
        elif kind == "dangling":
            path.symlink_to(path.parent / "absent" / "nulle-part.csv")

    return build


# --------------------------------------------------------------------------- the cases

CASES: list[Case] = [
    # -- text that is not a table
    Case("vide.csv", "fichier de zéro octet", data(b"")),
    Case("espaces.csv", "rien que des blancs et des fins de ligne", data(b"  \n\n\t \r\n")),
    Case("octets_aleatoires.csv", "octets au hasard", data(random.Random(1).randbytes(4096))),
    Case(
        "controles.csv", "caractères de contrôle", data(b"\x01\x02\x03\x04\x05\x06\x07\x08" * 200)
    ),
    Case(
        "nul_apres_64ko.csv",
        "caractère nul après la zone examinée (erreur « line contains NUL » du module csv)",
        data(b"insee;opsn\n" + b"01001;sitpi\n" * 6000 + b"01004;si\x00tpi\n"),
    ),
    Case(
        "utf8_invalide.csv",
        "ni UTF-8 ni Windows-1252",
        data(b"insee;nom;opsn\n01001;Saint-\x81;sitpi\n"),
    ),
    Case(
        "bom_utf8_invalide.csv",
        "marque BOM puis octets invalides",
        data(b"\xef\xbb\xbfinsee;opsn\n\xff\xfe\xfa;x\n"),
    ),
    Case(
        "utf16_tronque.csv",
        "UTF-16 coupé au milieu d'un caractère",
        data(b"\xff\xfei\x00n\x00s\x00e\x00e\x00\n"),
    ),
    Case(
        "page_html.csv",
        "page d'erreur HTML enregistrée en .csv",
        data(b"<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>\n"),
    ),
    Case("en_tete_seul.csv", "en-tête sans aucune ligne", data(b"insee;opsn\n")),
    Case(
        "en_tete_trop_bas.csv",
        "vingt-cinq lignes de titre avant l'en-tête",
        data(b"".join(b"Titre %d\n" % i for i in range(25)) + b"insee;opsn\n01001;sitpi\n"),
    ),
    Case(
        "colonnes_en_double.csv",
        "trois colonnes de code INSEE",
        data(b"insee;INSEE;Code commune;opsn\n01001;38185;01004;sitpi\n"),
    ),
    Case(
        "fins_de_ligne_mac.csv",
        "fins de ligne \\r seules (vieux Mac)",
        data(b"insee;opsn\r01001;sitpi\r38185;sitpi\r"),
    ),
    Case(
        "noms_bidi.csv",
        "noms avec inversion de sens d'écriture et caractères invisibles",
        data(
            "Commune;Département;OPSN\n\u202eenitnoF;38;sitpi\nFon\u200btaine;38;sitpi\n".encode()
        ),
    ),
    Case(
        "codes_enormes.csv",
        "codes démesurés, négatifs, en notation scientifique",
        data(
            b"insee;siren;opsn\n1e308;;sitpi\n;99999999999999999999999999;sitpi\n-1;;sitpi\n0x1F;;sitpi\n"
        ),
    ),
    Case(
        "dates_extremes.csv",
        "dates impossibles ou hors de portée de pandas",
        data(
            b"insee;opsn;depuis;jusqu_a\n01001;sitpi;31/02/2020;\n01004;sitpi;9999-12-31;0001-01-01\n01005;sitpi;00/00/0000;99999\n01006;sitpi;2020-01-01;1900-01-01\n"
        ),
    ),
    # -- quotes and fields
    Case(
        "guillemet_desequilibre.csv",
        "un guillemet qui avale deux communes dans une seule cellule",
        data(b'insee;opsn\n01001;"sitpi\n38169;sitpi\n01004";sitpi\n38185;sitpi\n'),
    ),
    Case(
        "guillemet_jamais_ferme.csv",
        "un guillemet jamais fermé qui avale la fin du fichier",
        data(b'insee;opsn\n01001;sitpi\n"38169;sitpi\n01004;sitpi\n38185;sitpi\n'),
    ),
    Case(
        "cellule_200ko.csv",
        "une cellule de 200 Ko (limite de champ du module csv, levée hors du try autrefois)",
        data(b"insee;opsn\n" + b"x" * 200_000 + b";sitpi\n"),
        committed=False,
    ),
    Case(
        "guillemet_avale_tout.csv",
        "un guillemet ouvert au début qui avale 20 000 lignes (plus de 128 Ko)",
        data(b'insee;opsn\n"01001;sitpi\n' + b"38185;sitpi\n" * 20_000),
        committed=False,
    ),
    Case(
        "ligne_10mo.csv",
        "une seule ligne de 10 Mo sans séparateur",
        data(lambda: b"a" * 10_000_000),
        committed=False,
    ),
    Case(
        "colonnes_100k.csv",
        "une ligne de 100 000 colonnes remplies",
        data(lambda: b"insee;opsn\n" + b"1;" * 100_000 + b"\n"),
        committed=False,
    ),
    Case(
        "separateurs_seuls.csv",
        "45 millions de séparateurs (autant de cellules vides)",
        data(lambda: b"insee;opsn\n" + b";" * 45_000_000),
        committed=False,
    ),
    Case(
        "lignes_vides_2M.csv",
        "deux millions de lignes vides",
        data(lambda: b"insee;opsn\n" + b"\n" * 2_000_000),
        committed=False,
    ),
    Case(
        "trop_gros.csv",
        "51 Mo (creux : rien n'est écrit sur le disque)",
        sparse(51 * 1024 * 1024),
        committed=False,
    ),
    # -- payloads shown to people
    Case(
        "charge_markdown.csv",
        "liens, images, HTML, maths et directives dans les noms et valeurs",
        data(markdown_payload),
    ),
    Case("charge_formules.csv", "formules de tableur dans les valeurs", data(formula_payload)),
    # -- operators
    Case(
        "operateurs_id_en_double.csv",
        "Mégalis deux fois sous le même identifiant ANCT, la seconde sans département",
        data(
            operators_csv(
                [
                    [
                        MEGALIS_UUID,
                        "Mégalis Bretagne",
                        "",
                        "",
                        "https://www.megalis.bretagne.bzh/",
                        MEGALIS_SIRET,
                        "",
                        "22,29,35,56",
                    ],
                    [MEGALIS_UUID, "Mégalis Bretagne", "", "", "", MEGALIS_SIRET, "", ""],
                ]
            )
        ),
    ),
    Case(
        "operateurs_siret_en_double.csv",
        "un autre identifiant ANCT avec le SIRET de Mégalis et aucun département",
        data(
            operators_csv(
                [
                    [
                        MEGALIS_UUID,
                        "Mégalis Bretagne",
                        "",
                        "",
                        "",
                        MEGALIS_SIRET,
                        "",
                        "22,29,35,56",
                    ],
                    [
                        "00000000-0000-0000-0000-000000000001",
                        "Mégalis (doublon)",
                        "",
                        "",
                        "",
                        MEGALIS_SIRET,
                        "",
                        "",
                    ],
                ]
            )
        ),
    ),
    Case(
        "operateurs_departements_faux.csv",
        "départements inexistants, SIRET faux, identifiant vide",
        data(
            operators_csv(
                [
                    [
                        "11111111-1111-1111-1111-111111111111",
                        "Inconnu",
                        "",
                        "",
                        "",
                        "123",
                        "",
                        "999,abc,2A,20",
                    ],
                    ["", "Sans identifiant", "", "", "", "", "", "29"],
                ]
            )
        ),
    ),
    Case(
        "operateurs_100k.csv",
        "cent mille opérateurs (au-delà de tout fichier réel)",
        data(
            lambda: operators_csv(
                [[f"id-{i}", f"Opérateur {i}", "", "", "", "", "", "29"] for i in range(100_000)]
            )
        ),
        committed=False,
    ),
    Case(
        "adherents_inconnu.csv.gz",
        "adhérents ANCT compressés, opérateur inconnu",
        data(lambda: gzip_fixed(b"organisation_siret;operateur_id\n21010001200017;inconnu-123\n")),
    ),
    # -- gzip
    Case(
        "gzip_tronque.csv.gz",
        "gzip coupé au milieu (téléchargement interrompu)",
        data(
            lambda: gzip_fixed(
                b"insee;opsn\n" + b"".join(b"%05d;sitpi\n" % i for i in range(1000, 6000))
            )[:4000]
        ),
    ),
    Case("gzip_crc_faux.csv.gz", "somme de contrôle fausse", data(bad_crc)),
    Case(
        "gzip_multi_membres.csv.gz",
        "deux membres gzip à la suite (valide)",
        data(lambda: gzip_fixed(b"insee;opsn\n01001;sitpi\n") + gzip_fixed(b"38185;sitpi\n")),
    ),
    Case(
        "gzip_dans_gzip.csv.gz",
        "gzip d'un gzip",
        data(lambda: gzip_fixed(gzip_fixed(b"insee;opsn\n01001;sitpi\n"))),
    ),
    Case("gzip_vide.csv.gz", "gzip de rien", data(lambda: gzip_fixed(b""))),
    Case(
        "gzip_octets_en_trop.csv.gz",
        "octets parasites après les données",
        data(lambda: gzip_fixed(b"insee;opsn\n01001;sitpi\n") + b"parasites"),
    ),
    Case("gzip_magique_seul.csv.gz", "les deux octets magiques seuls", data(b"\x1f\x8b")),
    Case(
        "bombe_gzip.csv.gz",
        "300 Mo une fois décompressé, 1 Mo compressé",
        data(gzip_bomb),
        committed=False,
    ),
    # -- workbooks
    Case(
        "xlsx_dimension_mensongere.xlsx",
        "<dimension> annonce 16 384 × 1 048 576 cellules",
        data(lambda: xlsx([("Feuil1", sheet_xml(LIST_ROWS, "A1:XFD1048576"))])),
    ),
    Case(
        "xlsx_bombe_xml.xlsx",
        "300 Mo de XML compressés en 1 Mo",
        data(xlsx_xml_bomb),
        committed=False,
    ),
    Case(
        "xlsx_ligne_geante.xlsx",
        "une ligne de deux millions de cellules",
        data(xlsx_giant_row),
        committed=False,
    ),
    Case(
        "xlsx_onze_millions_de_cellules.xlsx",
        "onze millions de cellules",
        data(xlsx_many_cells),
        committed=False,
    ),
    Case(
        "xlsx_taille_mensongere.xlsx",
        "la feuille déclare 200 octets et en contient 20 Mo",
        data(xlsx_lying_file_size),
        committed=False,
    ),
    Case(
        "xlsx_milliard_de_rires.xlsx",
        "entités XML imbriquées (billion laughs)",
        data(lambda: xlsx_with_entities(BILLION_LAUGHS)),
    ),
    Case(
        "xlsx_entite_externe.xlsx",
        "entité externe vers /etc/passwd (XXE)",
        data(lambda: xlsx_with_entities(XXE)),
    ),
    Case(
        "xlsx_titre_puis_donnees.xlsx",
        "première feuille : un titre seul ; la liste est sur la deuxième",
        data(
            lambda: xlsx(
                [
                    ("Sommaire", sheet_xml([["Liste des adhérents : voir l'onglet suivant"]])),
                    ("Adhérents", sheet_xml(LIST_ROWS)),
                ]
            )
        ),
    ),
    Case(
        "xlsx_deux_listes.xlsx",
        "deux feuilles contenant chacune une liste",
        data(lambda: xlsx([("2024", sheet_xml(LIST_ROWS)), ("2025", sheet_xml(LIST_ROWS))])),
    ),
    Case(
        "xlsx_cellule_xfd.xlsx",
        "mille lignes dont la seule cellule est en colonne XFD (16 384)",
        data(
            lambda: xlsx(
                [
                    (
                        "Feuil1",
                        f'<worksheet xmlns="{NS}"><sheetData>'.encode()
                        + b"".join(
                            f'<row r="{i}"><c r="XFD{i}"><v>1</v></c></row>'.encode()
                            for i in range(1, 1001)
                        )
                        + b"</sheetData></worksheet>",
                    )
                ]
            )
        ),
    ),
    Case(
        "xlsx_lignes_manquantes.xlsx",
        "ligne 1 puis ligne 1 048 576 (un million de lignes absentes)",
        data(
            lambda: xlsx(
                [
                    (
                        "Feuil1",
                        f'<worksheet xmlns="{NS}"><sheetData><row r="1">{cell("A1", "insee")}{cell("B1", "opsn")}</row><row r="1048576">{cell("A1048576", "01001")}{cell("B1048576", "sitpi")}</row></sheetData></worksheet>'.encode(),
                    )
                ]
            )
        ),
    ),
    Case(
        "xlsx_index_partage_faux.xlsx",
        "cellule de texte partagé qui renvoie à un texte inexistant",
        data(
            lambda: xlsx(
                [
                    (
                        "Feuil1",
                        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="s"><v>999</v></c></row></sheetData></worksheet>'.encode(),
                    )
                ]
            )
        ),
    ),
    Case("xlsx_date_hors_limites.xlsx", "date Excel de 1e300 jours", data(xlsx_date_overflow)),
    Case(
        "xlsx_vide.xlsx",
        "classeur sans aucune donnée",
        data(lambda: xlsx([("Feuil1", sheet_xml([]))])),
    ),
    Case(
        "xlsx_pas_un_classeur.xlsx",
        "archive ZIP quelconque",
        data(lambda: zip_of({"notes.txt": b"bonjour"})),
    ),
    Case(
        "xlsx_lzma.xlsx",
        "membres compressés en LZMA",
        data(lambda: xlsx([("Feuil1", sheet_xml(LIST_ROWS))], compression=zipfile.ZIP_LZMA)),
    ),
    Case(
        "xlsx_chiffre.xlsx",
        "membres marqués chiffrés",
        data(lambda: encrypted_flag(xlsx([("Feuil1", sheet_xml(LIST_ROWS))]))),
    ),
    Case(
        "zip_tronque.xlsx",
        "archive ZIP coupée",
        data(lambda: xlsx([("Feuil1", sheet_xml(LIST_ROWS))])[:300]),
    ),
    Case(
        "zip_20k_membres.xlsx",
        "archive de 20 000 éléments",
        data(lambda: zip_of({f"x/{i}.bin": b"" for i in range(20_000)}, zipfile.ZIP_STORED)),
        committed=False,
    ),
    Case(
        "ancien.xls",
        "classeur Excel 97-2003",
        data(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
    ),
    # -- a million lines
    Case(
        "million_codes_faux.csv",
        "un million de lignes, toutes rejetées, chacune différente",
        one_million(lambda i: f"9{i:07d};Commune {i};sitpi\n"),
        committed=False,
    ),
    Case(
        "million_doublons.csv",
        "la même ligne un million de fois",
        one_million(lambda i: "01001;L'Abergement;sitpi\n"),
        committed=False,
    ),
    # -- not regular files
    Case(
        "tube.csv",
        "tube nommé (FIFO) : la lecture attendrait sans fin",
        special("fifo"),
        False,
        False,
    ),
    Case("lien_dev_zero.csv", "lien symbolique vers /dev/zero", special("zero"), False, False),
    Case("dossier.csv", "un dossier nommé comme un fichier", special("directory"), False, False),
    Case("lien_en_boucle.csv", "lien symbolique vers lui-même", special("loop"), False, False),
    Case(
        "lien_casse.csv",
        "lien symbolique vers un fichier absent",
        special("dangling"),
        False,
        False,
    ),
]


#: The cases ``validate`` reads (exit status 0 or 1, a report) rather than refuses:
#: what the file says can be used, and what cannot is reported line by line.
READ = {
    "adherents_inconnu.csv.gz",
    "charge_formules.csv",
    "charge_markdown.csv",
    "codes_enormes.csv",
    "colonnes_en_double.csv",
    "dates_extremes.csv",
    "en_tete_seul.csv",
    "fins_de_ligne_mac.csv",
    "guillemet_desequilibre.csv",
    "guillemet_jamais_ferme.csv",
    "gzip_multi_membres.csv.gz",
    "million_doublons.csv",
    "noms_bidi.csv",
    "operateurs_departements_faux.csv",
    "operateurs_id_en_double.csv",
    "operateurs_siret_en_double.csv",
    "xlsx_date_hors_limites.xlsx",
    "xlsx_dimension_mensongere.xlsx",
    "xlsx_lignes_manquantes.xlsx",
    "xlsx_titre_puis_donnees.xlsx",
}
#: Read on a quick machine, stopped by the time budget on a slow one.
EITHER = {"million_codes_faux.csv"}
CASES = [
    replace(case, refused=None if case.name in EITHER else case.name not in READ) for case in CASES
]


def write_corpus(directory: Path, committed_only: bool = False) -> list[tuple[Case, Path]]:
    """Write every case (or only the committed ones) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES:
        if committed_only and not case.committed:
            continue
        path = directory / case.name
        case.build(path)
        written.append((case, path))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, help="où écrire tout le corpus")
    parser.add_argument("--committed", action="store_true", help=f"réécrire {COMMITTED}")
    args = parser.parse_args()
    if args.committed:
        for path in COMMITTED.glob("*"):
            path.unlink()
        write_corpus(COMMITTED, committed_only=True)
    if args.directory:
        write_corpus(args.directory)


if __name__ == "__main__":
    main()
