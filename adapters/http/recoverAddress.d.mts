/** Types of recoverAddress.mjs (plain JavaScript so worker threads load it as is). */
export declare const recoveryBackend: 'libsecp256k1' | 'ethers';
export declare const recoverSignerAddress: (digest: string, signature: string) => string;
