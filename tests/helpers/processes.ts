/**
 * tests/helpers/processes.ts — child processes for the monitor's tests (the
 * bareheap CLI, a pty board emulator, `devs devtools`), each one tracked so a
 * test kills every process it started, also when it fails.
 *
 *   const procs = new Processes()        // afterEach(() => procs.killAll())
 *   const p = procs.start("node", ["bin/bareheap.mjs", "monitor", …])
 *   await p.waitFor(/connected/, 10_000) // stdout+stderr so far match, or reject with them
 *   const code = await p.exitWithin(5000) // exit code (signal → 128 + n), or a rejection with the output
 *
 * Output is kept whole (tests compare summaries); children are killed by
 * their pid (a process group with `group`, for a shell and its children).
 */
import { ChildProcess, spawn, SpawnOptions } from "node:child_process"

export class Proc {
    out = ""
    err = ""
    readonly exited: Promise<number>
    constructor(readonly child: ChildProcess, readonly group: boolean) {
        child.stdout?.setEncoding("utf8").on("data", (s: string) => (this.out += s))
        child.stderr?.setEncoding("utf8").on("data", (s: string) => (this.err += s))
        this.exited = new Promise(resolve =>
            child.on("close", (code, signal) => resolve(code ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGKILL" ? 9 : 15))),
        )
    }

    get all(): string {
        return this.out + this.err
    }

    /** Resolves when stdout+stderr match `re`; rejects after timeoutMs or when the process exits first. */
    waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
        return new Promise((resolve, reject) => {
            let done = false
            const check = () => {
                if (done) return
                const m = this.all.match(re)
                if (m) {
                    done = true
                    clearInterval(timer)
                    resolve(m)
                }
            }
            const timer = setInterval(check, 20)
            check()
            setTimeout(() => {
                if (done) return
                done = true
                clearInterval(timer)
                reject(new Error(`timeout waiting for ${re} after ${timeoutMs} ms; output so far:\n${this.all.slice(-3000)}`))
            }, timeoutMs)
            void this.exited.then(code => {
                setTimeout(() => {
                    check()
                    if (done) return
                    done = true
                    clearInterval(timer)
                    reject(new Error(`process exited (${code}) before ${re}; output:\n${this.all.slice(-3000)}`))
                }, 50)
            })
        })
    }

    /** The exit code, or a rejection with the output when the process is still running after timeoutMs. */
    exitWithin(timeoutMs: number): Promise<number> {
        return new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms; output so far:\n${this.all.slice(-3000)}`)), timeoutMs)
            void this.exited.then(code => {
                clearTimeout(t)
                resolve(code)
            })
        })
    }

    kill(signal: NodeJS.Signals = "SIGTERM"): void {
        if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return
        try {
            process.kill(this.group ? -this.child.pid : this.child.pid, signal)
        } catch {
            /* already gone */
        }
    }
}

export class Processes {
    private readonly procs: Proc[] = []

    start(cmd: string, args: string[], options: SpawnOptions & { group?: boolean } = {}): Proc {
        const group = options.group ?? false
        const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], ...options, detached: group })
        const p = new Proc(child, group)
        this.procs.push(p)
        return p
    }

    /** SIGTERM to every process still running, SIGKILL to any left after 2 s; resolves when all have exited. */
    async killAll(): Promise<void> {
        const live = this.procs.splice(0)
        for (const p of live) p.kill("SIGTERM")
        const t = setTimeout(() => live.forEach(p => p.kill("SIGKILL")), 2000)
        await Promise.all(live.map(p => p.exited))
        clearTimeout(t)
    }
}
