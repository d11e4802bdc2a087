/**
 * Registry of `cxt` sub-commands: name, summary and usage here, the code in its own file beside
 * this one, loaded only when the command runs. Adding a command is one entry; keep this file free
 * of static imports other than types and Node built-ins, or `cxt --help` gets slow again.
 */
import { availableParallelism } from 'node:os';
import type { CommandEntry } from '../command.ts';

const STORE_NOTE = '(DATABASE_URL selects PostgreSQL, as for cxt serve)';

export const commands: readonly CommandEntry[] = [
  {
    name: 'merkle build',
    summary: 'Build the OpenZeppelin Merkle tree dump of [account, token, amount] values',
    usage: 'cxt merkle build --in <values.csv|values.json> --out <tree.json>',
    load: async () => (await import('./merkle.ts')).merkleBuildCommand,
  },
  {
    name: 'merkle proof',
    summary: 'Print the Merkle proof of one (account, token) leaf of a tree dump',
    usage: 'cxt merkle proof --tree <tree.json> --account <address> --token <address>',
    load: async () => (await import('./merkle.ts')).merkleProofCommand,
  },
  {
    name: 'serve',
    summary: 'Run the settlement service (HTTP API, scheduler, publisher, claim indexer)',
    usage:
      'cxt serve [--data-dir DIR] [--host HOST] [--port PORT]\n\n' +
      'Defaults: 127.0.0.1:8080, PGlite and an embedded EVM in ./.cxt. Environment: DATABASE_URL, RPC_URL, PRIVATE_KEY,\n' +
      'DISTRIBUTOR_ADDRESS, CXT_TOKEN_ADDRESS, ADMIN_TOKEN, INDEXER_TOKEN, BILLING_TOKEN, … (see docs/service.md).',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  {
    name: 'simulate',
    summary: 'Run Monte Carlo tokenomics simulations through the domain rules and write a report',
    usage: [
      'cxt simulate --out <dir> [--scenario baseline|bear|boom|<file.json>] [--epochs N] [--runs N] [--seed N]',
      '             [--sweep key=v1,v2 ...] [--workers N]',
      '       cxt simulate --out <dir> --compare <A> <B> [--epochs N] [--runs N] [--seed N] [--workers N]',
      '       cxt simulate --out <dir> --sensitivity <spec.json> [--epochs N] [--runs N] [--seed N] [--workers N]',
      '',
      '  --scenario  built-in (baseline, bear, boom; default baseline) or a JSON file (may "extends" a built-in)',
      '  --epochs    1 to 100000 (default: the scenario\'s); --runs 1 to 100000 (default: the scenario\'s)',
      '  --seed      0 to 2^53 - 1 (default 1)',
      '  --sweep     Cartesian grid over protocol parameters or scenario fields, e.g. --sweep halfLifeEpochs=730,1461',
      `  --workers   worker threads, 0 to 256 (default: all ${availableParallelism()} cores; 0 runs in this thread)`,
      '  --compare   runs A and B on the same random streams and reports B − A per output with a 95 % CI',
      '  --sensitivity  {scenario, factors: [{key, min, max}], outputs?, levels?, trajectories?}: one-at-a-time',
      '              swings (tornado) and Morris elementary effects (μ*, σ); writes sensitivity.json and .html',
      '  Writes summary.json, series.csv, quantiles.csv and report.html to --out (with --compare: comparison.json,',
      '  comparison.csv, and each side\'s full output in a/ and b/).',
    ].join('\n'),
    load: async () => (await import('./simulate.ts')).simulateCommand,
  },
  {
    name: 'export',
    summary: 'Write every event envelope of the log to a JSON-lines file, exactly as stored',
    usage: [
      `cxt export --out <events.jsonl> [--snapshot <snapshot.json>] [--data-dir DIR]   ${STORE_NOTE}`,
      '',
      '  --snapshot     also write the newest kept ledger snapshot that verifies against the exported log (for cxt audit --from-snapshot)',
    ].join('\n'),
    load: async () => (await import('./export.ts')).exportCommand,
  },
  {
    name: 'import',
    summary: 'Load an exported JSON-lines log into an empty store, refusing a file whose hash chain does not verify',
    usage: `cxt import --in <events.jsonl> [--data-dir DIR]   ${STORE_NOTE}`,
    load: async () => (await import('./import.ts')).importCommand,
  },
  {
    name: 'audit',
    summary: 'Replay an exported log through the domain rules, re-derive every number, and check it against the chain',
    usage: [
      'cxt audit --events <events.jsonl> --out <dir> [--rpc-url <url> --distributor <address> [--from-block N] [--to-block B]]…  (one pair per chain)',
      'cxt audit --events <events.jsonl> --out <dir> --from-snapshot <snapshot.json>',
      '',
      '  --events       a log written by `cxt export`',
      '  --out          directory for audit.json and audit.html (created if missing)',
      '  --rpc-url      JSON-RPC node of a chain the distributions are published on (repeat per chain; its chain id says',
      '                 whether it is the primary or a payout chain)',
      '  --distributor  address of the CumulativeMerkleDistributor (with --rpc-url)',
      '  --from-block   first block to scan for distributor logs (default 0; its deployment block is enough); once per --rpc-url, or not at all',
      '  --to-block     last block to check (default: the chain head): audit an export against the chain as it was then; once per --rpc-url, or not at all',
      '  --from-snapshot  a snapshot from `cxt export --snapshot`: checked against the log, then only the events after it are audited',
      '                 (one the log does not vouch for is a finding, and the whole log is audited)',
      '  Exit 0: clean. Exit 1: findings (the log does not re-derive, the chain disagrees, or the chain is ahead of the export).',
      '  Exit 2: usage, or the audit could not run.',
    ].join('\n'),
    load: async () => (await import('./audit.ts')).auditCommand,
  },
  {
    name: 'epoch close',
    summary: 'Close every ended epoch, oldest first (or only --epoch N), as the scheduler does',
    usage: `cxt epoch close [--epoch N] [--data-dir DIR]   ${STORE_NOTE}`,
    load: async () => (await import('./epoch.ts')).epochCloseCommand,
  },
  {
    name: 'distribution create',
    summary: 'Create the distribution of everything allocated through the last closed epoch and save its tree',
    usage: `cxt distribution create [--data-dir DIR]   ${STORE_NOTE}; RPC_URL … selects a real chain`,
    load: async () => (await import('./distribution.ts')).distributionCreateCommand,
  },
  {
    name: 'distribution publish',
    summary: 'Propose the latest distribution on the configured chain, or accept it after its timelock',
    usage: [
      `cxt distribution publish [--seq N] [--allow-claim-replay] [--chain-id N] [--data-dir DIR]   ${STORE_NOTE}`,
      '',
      '  --seq                 the latest live distribution (default); distributions are cumulative',
      '  --allow-claim-replay  propose it on a contract that has not seen claims the ledger recorded (they could be paid again)',
      '  --chain-id            its tree on that chain of PAYOUT_CHAINS (default: the primary chain)',
    ].join('\n'),
    load: async () => (await import('./distribution.ts')).distributionPublishCommand,
  },
  {
    name: 'distribution revoke',
    summary: 'Revoke a created distribution that was never proposed on-chain',
    usage: `cxt distribution revoke --seq N [--reason TEXT] [--data-dir DIR]   ${STORE_NOTE}`,
    load: async () => (await import('./distribution.ts')).distributionRevokeCommand,
  },
  {
    name: 'claims rescan',
    summary: 'Make the claim indexer read the chain again from a block, after the chain moved under it',
    usage: `cxt claims rescan --from-block N [--chain-id N] [--data-dir DIR]   ${STORE_NOTE}; RPC_URL … selects a real chain, --chain-id one of PAYOUT_CHAINS`,
    load: async () => (await import('./distribution.ts')).claimsRescanCommand,
  },
  {
    name: 'task show',
    summary: 'Show one task: terms, fragments with their seats and results, and its settlement once settled',
    usage: `cxt task show --task <taskId> [--json] [--data-dir DIR]   ${STORE_NOTE}`,
    load: async () => (await import('./task.ts')).taskShowCommand,
  },
  {
    name: 'contract deploy',
    summary: 'Deploy the CumulativeMerkleDistributor from the committed artifact and print the environment for cxt serve',
    usage: [
      'cxt contract deploy --rpc-url URL [--owner A] [--updater A] [--guardian A] [--timelock S] [--confirmations N]',
      '                    [--keystore FILE] [--cxt-token A] [--out deployment.json]',
      '',
      '  The deployer key comes from PRIVATE_KEY, or from --keystore (an encrypted JSON keystore; the passphrase is',
      '  asked on the terminal, or read from the first line of stdin) — never from a flag.',
      '  --owner, --updater, --guardian  default: the deployer; --timelock seconds between proposal and acceptance (default 3600,',
      '                   DESIGN §8; it must stay shorter than the service\'s distribution interval)',
      '  --confirmations  blocks on top of the deployment before it counts (default per chain: Ethereum 12, BNB Chain 15,',
      '                   local 0, any other 15)',
      '  Prints the address and block, reads the contract back (code and roles), and the environment lines for cxt serve.',
    ].join('\n'),
    load: async () => (await import('./contract.ts')).contractDeployCommand,
  },
  {
    name: 'contract verify',
    summary: 'Check that the contract at an address is this release\'s distributor, and read its roles and timelock back',
    usage: [
      'cxt contract verify --rpc-url URL --address A [--owner A] [--updater A] [--guardian A] [--timelock S] [--json]',
      '',
      '  Exit 0: the runtime code equals the committed artifact\'s and every given role matches. Exit 1: it does not.',
    ].join('\n'),
    load: async () => (await import('./contract.ts')).contractVerifyCommand,
  },
  {
    name: 'devchain',
    summary: 'Run a local EVM (hardhat) as its own process on 127.0.0.1, to rehearse going live',
    usage: 'cxt devchain [--port P (default 8545)] [--chain-id N (default 31337)] [--block-time S] [--accounts N]',
    load: async () => (await import('./devchain.ts')).devchainCommand,
  },
  {
    name: 'account payout-chain',
    summary: 'Record an account’s signed choice of the chain its rewards are paid on (EIP-712 PayoutChain)',
    usage: [
      `cxt account payout-chain --chain-id N (--signature 0x… --account <address> --sequence N | --sign-with-env VAR [--account …] [--sequence N]) [--data-dir DIR]   ${STORE_NOTE}`,
      '',
      '  --chain-id       a chain of PAYOUT_CHAINS, or the primary chain’s id to come back',
      '  --signature      the account’s EIP-712 PayoutChain signature (from its wallet), with the --account and --sequence it signed',
      '  --sign-with-env  sign here with the private key in that environment variable; --sequence defaults to the next one',
    ].join('\n'),
    load: async () => (await import('./account.ts')).accountPayoutChainCommand,
  },
  {
    name: 'asset register',
    summary: 'Register an ERC-20 that revenue and buybacks may be recorded in (checked on the configured chain)',
    usage: `cxt asset register --asset <address> [--data-dir DIR]   ${STORE_NOTE}; RPC_URL … selects a real chain`,
    load: async () => (await import('./asset.ts')).assetRegisterCommand,
  },
];
