/**
 * bench/view_kinds.ts — host only: why "system" and "multi" (registry.ts's
 * HEAP_KINDS beyond ALLOCATOR_KINDS) are not columns of the host tables of
 * `npm run bench`, and, per trace, whether system could hold the trace at
 * all. Written as one section of bench/RESULTS.md (bench/run.ts).
 *
 * Why not columns (the section says it too):
 *   - the Replayer (bench/replay.ts) checks payloads and keeps its shadow
 *     map in one region's bytes (region.buf); system's blocks are separate
 *     Buffers and multi's parts separate regions, behind a view with no bytes;
 *   - footprint: system's capacity is a budget of payload bytes (half the
 *     region it is given), so a footprint search would measure that rule
 *     (utilization 0.5 by construction), not packing; multi's heap is the
 *     region plus a modelled quarter-size second one, not "the region", and
 *     packs as TLSF (the tlsf column);
 *   - host speed would time Node's Buffer shim, not the VM's allocator: their
 *     cost is in the VM section's pair tables (bench/vm_speed.ts).
 * Per trace, system's hard limits (system.ts): one block ≤ MAX_DEVICE_REGION
 * (57,343 bytes, the VM's largest Buffer) and ≤ MAX_HANDLES (1,024) blocks
 * live at once (a trace's slots: ids are renumbered to dense slots that are
 * reused once freed, so slots = its most blocks live at once).
 *
 * Cost: one pass over each trace's ops.
 */
import { EncodedTrace, OP_BYTES, OP_FREE } from "./replay"
import { MAX_HANDLES } from "../src/core/handle_space"
import { MAX_DEVICE_REGION } from "../src/core/region"

/** The largest request (alloc or realloc size) of a trace. */
export function largestRequest(t: EncodedTrace): number {
    let max = 0
    for (let i = 0; i < t.count; i++) {
        if (t.ops.getAt(i * OP_BYTES + 2, "u8") === OP_FREE) continue
        const size = t.ops.getAt(i * OP_BYTES + 4, "u32")
        if (size > max) max = size
    }
    return max
}

/** Why system cannot hold the trace, or "" when it can (given a budget ≥ its peak payload). */
export function systemMisfit(t: EncodedTrace): string {
    const why: string[] = []
    const big = largestRequest(t)
    if (big > MAX_DEVICE_REGION) why.push(`a ${big}-byte request is over the VM's largest Buffer (${MAX_DEVICE_REGION} B)`)
    if (t.slots > MAX_HANDLES) why.push(`${t.slots} blocks live at once, over its ${MAX_HANDLES} handles`)
    return why.join("; ")
}

/** The RESULTS.md section (Markdown lines) for the traces of the run. */
export function viewKindLines(traces: string[], load: (name: string) => EncodedTrace): string[] {
    const out = [
        "system and multi (registry.ts's kinds that are not one region) are not columns of the host tables: the Replayer checks payloads and keeps its shadow map in one region's bytes (bench/replay.ts), which system's Buffers and multi's parts are not; " +
            "a footprint would measure system's budget rule (half the region it is given, payload bytes only) rather than packing, and multi packs as TLSF (the tlsf column) over a modelled second region; " +
            "on the host their speed would time Node's Buffer shim. Their cost is measured in the VM (the pair tables below). Per trace, whether system could hold it at all (system.ts's limits; a budget ≥ the peak payload assumed):",
        "",
        "| trace | peak payload B | largest request B | most blocks live | system |",
        "|---|---:|---:|---:|---|",
    ]
    let misfits = 0
    for (const name of traces) {
        const t = load(name)
        const why = systemMisfit(t)
        if (why !== "") misfits++
        out.push(`| ${name} | ${t.peakPayload} | ${largestRequest(t)} | ${t.slots} | ${why === "" ? "fits" : "cannot: " + why} |`)
    }
    out.push("", `${misfits} of ${traces.length} traces are beyond system's limits.`)
    return out
}
