/**
 * sim/html/columns.ts — growable typed-array columns, and their base64 form
 * for the page.
 *
 * A report of 10^6 events keeps several numbers per event and per block
 * life; plain number[] costs 8+ bytes an element and JSON text costs 7–11
 * characters a number, so each column is a typed array that doubles when it
 * is full (amortized O(1) push) and travels as the base64 of its bytes
 * (4/3 of the raw size; a report file gzips each column first). `encode(from)`
 * gives the tail for a live delta.
 *
 *   Column(Int32Array)   data: [ v0 v1 … v(n−1) | spare capacity ]   length = n
 *
 * Invariant: 0 ≤ length ≤ data.length; elements past length are 0 and never read.
 */

import { gzipSync } from "node:zlib"

type TypedCtor = Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor

/** The column element types the page knows how to decode (see client.js `col`). */
export type ColumnType = "f64" | "i32" | "u8"

const CTOR: Record<ColumnType, TypedCtor> = { f64: Float64Array, i32: Int32Array, u8: Uint8Array }

/** A column as it travels to the page: element type, element count, base64 of the little-endian bytes (gzipped when z). */
export interface EncodedColumn {
    t: ColumnType
    n: number
    z: boolean
    b64: string
}

export class Column {
    length = 0
    data: Float64Array | Int32Array | Uint8Array

    constructor(readonly type: ColumnType, capacity = 1024) {
        this.data = new CTOR[type](capacity)
    }

    push(v: number): number {
        if (this.length === this.data.length) {
            const next = new CTOR[this.type](this.data.length * 2)
            next.set(this.data)
            this.data = next
        }
        this.data[this.length] = v
        return this.length++
    }

    get(i: number): number {
        return this.data[i]
    }

    set(i: number, v: number): void {
        this.data[i] = v
    }

    /**
     * Elements from..length, encoded for the page (x86 and ARM hosts are little-endian, as is every
     * browser). `gzip` (level 1: fast, and these columns are runs and slow ramps that compress well)
     * for a report file, whose page inflates it with the browser's DecompressionStream.
     */
    encode(from = 0, gzip = false): EncodedColumn {
        const view = this.data.subarray(from, this.length)
        const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength)
        return { t: this.type, n: view.length, z: gzip, b64: (gzip ? gzipSync(bytes, { level: 1 }) : bytes).toString("base64") }
    }
}
