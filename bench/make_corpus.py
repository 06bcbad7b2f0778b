"""Generate a benchmark corpus from reports_examples/: ≥ 2,000 report files with varied years,
agencies, injected defects, encodings and line endings.

Every document of the examples is a template (the nine-document page gives eight reports and a
guide). A generated report's year is drawn uniformly from 2009-2025 and its text comes from a
template of that year's format: 2007-regulation reports (no tables) up to 2018, the 2019 format
(three statistical tables) for 2019-2020, the 2021 format after; so about 40% of the reports carry
tables, as a folder of reports spanning those years would. Defects: a wrong year in the body, the
fee paragraph dropped, a late publication date, no signature, a truncated text, a table number
changed (so that the table's sums fail and the failing cells are located). One file in MULTI_DOCUMENT_SHARE is the
whole nine-document page, year-shifted.

    .venv/bin/python bench/make_corpus.py [--files 2000] [--seed 7] [--out bench/corpus]

Files go into part-00/, part-01/, … (250 each) so that the benchmark can audit growing subsets
to show memory staying flat. The corpus is git-ignored and fully determined by the seed."""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES_PER_PART = 250
MULTI_DOCUMENT_SHARE = 40  # one file in this many is the nine-report example (a file holding many documents)
CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市",
          "福州市", "厦门市", "泉州市", "漳州市", "龙岩市", "济南市", "青岛市", "聊城市", "南宁市", "柳州市", "桂林市"]
DEPARTMENTS = ["商务局", "财政局", "教育局", "民政局", "司法局", "自然资源局", "生态环境局", "住房和城乡建设局",
               "交通运输局", "水利局", "农业农村局", "文化和旅游局", "卫生健康委员会", "审计局", "统计局", "人民政府办公室"]
DEFECTS = ["year_mismatch", "drop_fees", "late_publication", "drop_signature", "truncate", "number_changed"]
_CN_DIGITS = "〇一二三四五六七八九"


YEARS = (2009, 2025)
MIN_LINES = 12


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    year: int
    agency: str | None
    documents: int
    edition: str | None = None  # of a single report: 2007 | 2019 | 2021 (None: a guide or a multi-document file)


def edition_of_year(year: int) -> str:
    return "2007" if year <= 2018 else "2019" if year <= 2020 else "2021"


def load_templates() -> tuple[list[Template], list[Template]]:
    """Every document of the examples as a single-document template, and each multi-document file
    whole; year, agency and edition as the auditor reads them."""
    from auditor.pipeline import parse_file

    single, multi = [], []
    for path in sorted((ROOT / "reports_examples").glob("*.txt")):
        parsed = parse_file(path)
        first = next((r for r in parsed.reports if r.report_year), parsed.reports[0])
        if len(parsed.reports) > 1:
            multi.append(Template(path.stem, parsed.source.text, first.report_year or 2016, first.agency,
                                  len(parsed.reports)))
        for report in parsed.reports:
            start, end = (parsed.text.to_original(o) for o in (report.span.start, report.span.end))
            text = parsed.source.text[start:end]
            if text.count("\n") < MIN_LINES:  # a one-line report would not survive the line-dropping defects
                continue
            edition = edition_of_year(report.report_year) if report.doc_type == "annual_report" and report.report_year else None
            single.append(Template(f"{path.stem[:3]}-{report.segment}", text, report.report_year or 2016, report.agency, 1, edition))
    return single, multi


def _chinese_year(year: int) -> str:
    return "".join(_CN_DIGITS[int(d)] for d in str(year))


def shift_years(text: str, year: int, new_year: int) -> str:
    """Move the report year, its neighbours and their Chinese-numeral spellings together, in one pass
    so that a replaced year is not replaced again."""
    delta = new_year - year
    mapping = {str(y): str(y + delta) for y in (year - 1, year, year + 1)}
    for y in (year - 1, year, year + 1):
        for zero in "〇○零":
            mapping[_chinese_year(y).replace("〇", zero)] = _chinese_year(y + delta).replace("〇", zero)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group()], text)


_TABLE_NUMBER = re.compile(r"(?<=\|)[ \t]*(\d+)[ \t]*(?=\||$)", re.MULTILINE)  # a number cell of a table row


def inject(text: str, defect: str, year: int, rng: random.Random) -> str:
    lines = text.split("\n")
    if defect == "year_mismatch":  # the body talks about the wrong year
        hits = [m.start() for m in re.finditer(f"{year}年", text)]
        if hits:
            at = hits[-1]
            return text[:at] + str(year - 1) + text[at + 4:]
    elif defect == "drop_fees":
        return "\n".join(line for line in lines if "收费" not in line and "收費" not in line)
    elif defect == "late_publication":
        month, day = rng.choice([(5, 15), (6, 30), (9, 1)])
        return re.sub(r"(发布日期[:：]\s*)\d{4}-\d{2}-\d{2}", rf"\g<1>{year + 1}-{month:02d}-{day:02d}", text, count=1)
    elif defect == "drop_signature":
        return "\n".join(lines[:-6])
    elif defect == "truncate":
        return "\n".join(lines[: max(10, len(lines) * 3 // 5)])
    elif defect == "number_changed":  # a statistical table whose numbers no longer add up
        cells = list(_TABLE_NUMBER.finditer(text))
        if cells:
            cell = rng.choice(cells)
            return text[:cell.start(1)] + str(int(cell.group(1)) + rng.randint(1, 9)) + text[cell.end(1):]
    return text


def make_document(template: Template, rng: random.Random, year: int) -> tuple[str, str]:
    """(text, label) of one varied copy of a template, moved to `year`."""
    text = shift_years(template.text, template.year, year)
    agency = rng.choice(CITIES) + rng.choice(DEPARTMENTS)
    if template.agency and template.agency in text:
        text = text.replace(template.agency, agency)
    applicable = [d for d in DEFECTS if d != "number_changed" or _TABLE_NUMBER.search(text)]
    injected = []
    for defect in sorted(rng.sample(applicable, k=rng.choice([0, 0, 1, 1, 2]))):
        changed = inject(text, defect, year, rng)
        if changed != text:  # the file name names only the defects it has
            text = changed
            injected.append(defect)
    return text, f"{template.name}_{year}_{'+'.join(injected) or 'clean'}"


def encode(text: str, rng: random.Random) -> bytes:
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    roll = rng.random()
    if roll < 0.15:
        return text.encode("gb18030", errors="replace")
    if roll < 0.20:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def make_corpus(out: Path, files: int, seed: int) -> int:
    single, multi = load_templates()
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for n in range(files):
        year = rng.randint(*YEARS)
        if multi and n % MULTI_DOCUMENT_SHARE == MULTI_DOCUMENT_SHARE - 1:
            template = rng.choice(multi)
            year = rng.randint(template.year - 2, YEARS[1])
        else:
            template = rng.choice([t for t in single if t.edition == edition_of_year(year)] or single)
        text, label = make_document(template, rng, year)
        part = out / f"part-{n // FILES_PER_PART:02d}"
        part.mkdir(parents=True, exist_ok=True)
        (part / f"{n:05d}_{label}.txt").write_bytes(encode(text, rng))
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "corpus")
    args = parser.parse_args()
    count = make_corpus(args.out, args.files, args.seed)
    print(f"wrote {count} files to {args.out}")


if __name__ == "__main__":
    main()
