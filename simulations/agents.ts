/** Deterministic addresses and ids of the simulated agents; roles never share an address. */

const ROLE = { operator: 1, staker: 2, verifier: 3, buyer: 4 } as const;
export type AgentRole = keyof typeof ROLE;

export const agentAddress = (role: AgentRole, index: number): string => `0x${ROLE[role]}${index.toString(16).padStart(39, '0')}`;

/** Simulated work carries no real proof; a fixed, recognisable hash stands in for it. */
export const SIM_PROOF_HASH = `0x${'5'.repeat(64)}`;
