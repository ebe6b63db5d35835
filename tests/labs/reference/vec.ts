/** Reference for lab 5 (tests only; see README.md here). */
import { Allocator } from "../../../src/api/allocator_api"
import { Layout } from "../../../src/core/layout"

export class LabVec {
    private ptr = 0
    private cap = 0
    private n = 0
    constructor(readonly allocator: Allocator) {}
    static newIn(allocator: Allocator): LabVec {
        return new LabVec(allocator)
    }
    len(): number {
        return this.n
    }
    capacity(): number {
        return this.cap
    }
    push(v: number): void {
        if (this.n === this.cap) {
            const cap = this.cap === 0 ? 4 : this.cap * 2
            const b = this.cap === 0 ? this.allocator.allocate(Layout.fromSizeAlign(cap * 4, 4)) : this.allocator.grow(this.ptr, Layout.fromSizeAlign(this.cap * 4, 4), Layout.fromSizeAlign(cap * 4, 4))
            this.ptr = b.ptr
            this.cap = cap
        }
        this.allocator.region().writeU32(this.ptr + 4 * this.n++, v)
    }
    get(i: number): number {
        if (!(i >= 0 && i < this.n)) throw new RangeError("index " + i + " out of 0.." + this.n)
        return this.allocator.region().readU32(this.ptr + 4 * i)
    }
    pop(): number {
        const v = this.get(this.n - 1)
        this.n--
        return v
    }
    shrinkToFit(): void {
        if (this.cap === this.n) return
        if (this.n === 0) return this.drop()
        this.ptr = this.allocator.shrink(this.ptr, Layout.fromSizeAlign(this.cap * 4, 4), Layout.fromSizeAlign(this.n * 4, 4)).ptr
        this.cap = this.n
    }
    drop(): void {
        if (this.cap > 0) this.allocator.deallocate(this.ptr, Layout.fromSizeAlign(this.cap * 4, 4))
        this.ptr = 0
        this.cap = 0
        this.n = 0
    }
}
