package org.alpenstack.link.afpacket;

/**
 * A classic BPF interpreter for the instructions {@link BpfProgram} emits, with the kernel's
 * semantics (net/core/filter.c): absolute loads are big-endian, a load beyond the packet ends
 * the program with 0 (drop), jumps are relative to the next instruction.
 */
final class BpfInterpreter {
    private BpfInterpreter() {
    }

    /** Runs {@code p} over {@code frame}; returns the number of bytes to keep (0 = drop). */
    static int run(BpfProgram p, byte[] frame) {
        int a = 0;
        int pc = 0;
        int steps = 0;
        while (true) {
            if (pc < 0 || pc >= p.length()) {
                throw new AssertionError("program ran off its end at " + pc + "\n" + p);
            }
            if (++steps > 100_000) {
                throw new AssertionError("program loops");
            }
            int code = p.code(pc);
            int k = p.k(pc);
            int cls = code & 0x07;
            switch (cls) {
                case BpfProgram.LD -> {
                    if ((code & 0xe0) != BpfProgram.ABS) {
                        throw new AssertionError("unexpected load mode 0x" + Integer.toHexString(code));
                    }
                    int size = code & 0x18;
                    int n = size == BpfProgram.W ? 4 : size == BpfProgram.H ? 2 : 1;
                    if (k < 0 || k + n > frame.length) {
                        return 0;
                    }
                    int v = 0;
                    for (int i = 0; i < n; i++) {
                        v = (v << 8) | (frame[k + i] & 0xff);
                    }
                    a = v;
                    pc++;
                }
                case BpfProgram.JMP -> {
                    int op = code & 0xf0;
                    if ((code & 0x08) != 0) {
                        throw new AssertionError("X-register jumps are not emitted");
                    }
                    if (op == BpfProgram.JA) {
                        pc += 1 + k;
                        continue;
                    }
                    boolean taken = switch (op) {
                        case BpfProgram.JEQ -> a == k;
                        case BpfProgram.JGT -> Integer.compareUnsigned(a, k) > 0;
                        case BpfProgram.JGE -> Integer.compareUnsigned(a, k) >= 0;
                        case BpfProgram.JSET -> (a & k) != 0;
                        default -> throw new AssertionError("jump op 0x" + Integer.toHexString(op));
                    };
                    pc += 1 + (taken ? p.jt(pc) : p.jf(pc));
                }
                case BpfProgram.RET -> {
                    if ((code & 0x18) != 0) {
                        throw new AssertionError("only ret #k is emitted");
                    }
                    return k;
                }
                default -> throw new AssertionError("instruction class " + cls);
            }
        }
    }

    static boolean accepts(BpfProgram p, byte[] frame) {
        return run(p, frame) != 0;
    }
}
