/**
 * Catalogue rows (tests/robustness/catalogue.ts) for protocol version 3, the
 * stream of a heap of several regions: hostile region tables for the decoder
 * (sim/decoder.ts) and heaps the encoder (src/layers/logging.ts) cannot
 * describe.
 */
import type { CatalogueRow } from "../catalogue"

const V3 = "tests/layers/protocol_v3.test.ts"

export const ROWS: CatalogueRow[] = [
    {
        input: "a version-3 header announcing 2^52 − 1, 65 or 1 regions, or 2^52 (14 digits)",
        outcome: "ProtocolError naming field 10 (regions) and its bound 2..40 (hex); no table is kept, so memory stays O(64 regions)",
        test: V3 + " › 2^52 − 1 regions",
    },
    {
        input: "a `~M` line with 9, 100 or half a million tags (a 1 MB line)",
        outcome: "ProtocolError \"field 6 (tags) holds more than 8 tags\", counted before the field is split; the message quotes at most 120 characters",
        test: V3 + " › half a million tags in a 1 MB line",
    },
    {
        input: "a region table out of index order, misaligned, empty, overlapping, unsorted, past the span, not starting at offset 0 or not ending at the span's end; a bad kind or tag",
        outcome: "a ProtocolError of its own for each (docs/protocol.md §9.1); the decoder is left as before the line",
        test: V3 + " › an error in the table leaves the decoder as it was before the line",
    },
    {
        input: "`~M` in a version-1 or 2 stream, after the table or before any header; another line where the table should be",
        outcome: "ProtocolError naming where `~M` belongs, or which region was expected before which line",
        test: V3 + " › a ~M in a version-2 stream",
    },
    {
        input: "region lines lost in a gap (`--allow-gaps`)",
        outcome: "the gap is recorded; `regionsComplete` stays false, the lost regions are missing from `regions`, their blocks count in no region and no hole is reported",
        test: V3 + " › a lost region line",
    },
    {
        input: "a block in a hole between two regions, or straddling two",
        outcome: "an `outside-region` anomaly naming both neighbouring regions; the block stays in the model and counts in no region",
        test: V3 + " › outside-region: a block in the hole",
    },
    {
        input: "a heap of 65 regions, a region without a kind, a tag with capitals or two spaces, 9 tags, a table line over 149 characters",
        outcome: "HeapError(BadArgument) from the LoggingAllocator constructor naming the region; nothing is emitted",
        test: V3 + " › refused at construction",
    },
]
