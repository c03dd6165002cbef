/** What this adapter can do, as announced in the initialize response; one line of why per flag. */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SP_EXCEPTION_FILTER } from './sp-stops';
import { EXCEPTION_FILTERS } from './vm-exits';

export function capabilities(): DebugProtocol.Capabilities {
  return {
    // VS Code sends configurationDone after breakpoints are set; we start the guest only then.
    supportsConfigurationDoneRequest: true,
    // `terminate` ends the guest politely before the session disconnects.
    supportsTerminateRequest: true,
    // The editor shows where on a line range breakpoints can go (lines with statements).
    supportsBreakpointLocationsRequest: true,
    // Breakpoints on function symbols (the Breakpoints view's "+").
    supportsFunctionBreakpoints: true,
    // Conditions are expressions over registers, CSRs and memory (adapter/expressions.ts).
    supportsConditionalBreakpoints: true,
    // Hit conditions: N, >= N, == N, > N, < N, % N.
    supportsHitConditionalBreakpoints: true,
    // Logpoints with {expression} interpolation.
    supportsLogPoints: true,
    // Breakpoints set in the Disassembly view.
    supportsInstructionBreakpoints: true,
    // Watchpoints on physical memory (the machine's data watchpoints).
    supportsDataBreakpoints: true,
    // dataBreakpointInfo accepts an address expression (`asAddress`) and a size (`bytes`).
    supportsDataBreakpointBytes: true,
    // Hovering and the Debug Console evaluate register / CSR / symbol / memory expressions.
    supportsEvaluateForHovers: true,
    // Registers and CSRs can be changed in the Variables view.
    supportsSetVariable: true,
    // The memory view (hex editor) reads and writes physical memory.
    supportsReadMemoryRequest: true,
    supportsWriteMemoryRequest: true,
    // The Disassembly view, with source lines where the line table has them.
    supportsDisassembleRequest: true,
    // Step by instruction when the Disassembly view has focus.
    supportsSteppingGranularity: true,
    // Stack traces come in pages (startFrame/levels).
    supportsDelayedStackTraceLoading: true,
    // Exception breakpoints on traps: VM exits, guest-page faults, illegal/virtual instructions, SBI calls (vm-exits.ts);
    // and after each secure-processor command (sp-stops.ts).
    exceptionBreakpointFilters: [...EXCEPTION_FILTERS, SP_EXCEPTION_FILTER],
    // Reverse execution (stepBack, reverseContinue; adapter/reverse.ts): checkpoints plus deterministic
    // replay, back to the start of the run. vmscope/reverseStepIn and vmscope/reverseStepOut are custom requests.
    supportsStepBack: true,
  };
}
