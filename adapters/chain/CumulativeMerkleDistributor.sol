// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title CumulativeMerkleDistributor
/// @notice Pays cumulative rewards committed to by a timelocked Merkle root (DESIGN §6).
/// Leaves are OpenZeppelin StandardMerkleTree leaves of `(address account, address token, uint256 cumulative)`.
/// A claim pays `cumulative - claimed[account][token]`, so a newer root supersedes every older one.
contract CumulativeMerkleDistributor is Ownable2Step {
    using SafeERC20 for IERC20;

    /// @dev One slot read by proposeRoot (auth + timelock) and written once (validAt).
    /// `validAt == 0` means "no pending root": the pending root and data hash slots are then stale
    /// on purpose, because rewriting a non-zero slot costs 2,900 gas where a zero one costs 20,000.
    struct Config {
        address updater;
        uint32 timelock;
        uint64 validAt;
    }

    /// @dev Stored in `_root` until the first acceptRoot, and in the pending slots from deployment,
    /// so that no root operation ever pays the zero-to-non-zero SSTORE: deployment pays it once.
    /// No real root can equal it (it would need a keccak256 preimage of 1).
    bytes32 private constant NONE = bytes32(uint256(1));

    Config private _config;
    bytes32 private _root = NONE;
    bytes32 private _pendingRoot = NONE;
    bytes32 private _pendingDataHash = NONE;
    address public guardian;

    /// @notice Cumulative amount already paid per (account, token).
    mapping(address account => mapping(address token => uint256 cumulative)) public claimed;

    event RootProposed(bytes32 indexed root, bytes32 dataHash, uint64 validAt);
    event RootRevoked(bytes32 indexed root);
    event RootAccepted(bytes32 indexed root, bytes32 dataHash);
    event Claimed(address indexed account, address indexed token, uint256 amount, uint256 cumulative);
    event UpdaterSet(address indexed updater);
    event GuardianSet(address indexed guardian);
    event TimelockSet(uint32 timelock);

    error Unauthorized(address caller);
    error PendingRootWaiting(uint64 validAt);
    error NoPendingRoot();
    error RootNotReady(uint64 validAt);
    error NoActiveRoot();
    error InvalidProof();
    error NothingToClaim(uint256 claimed);
    error LengthMismatch();

    constructor(address owner_, address updater_, address guardian_, uint32 timelock_) Ownable(owner_) {
        _config = Config({updater: updater_, timelock: timelock_, validAt: 0});
        guardian = guardian_;
        emit UpdaterSet(updater_);
        emit GuardianSet(guardian_);
        emit TimelockSet(timelock_);
    }

    // ---------------------------------------------------------------- roots

    /// @notice Stages `root`; it can be accepted once the timelock has passed.
    /// Refuses to replace a pending root whose timelock is still running, so the guardian always
    /// gets the full window to review what will become claimable, and a re-sent proposal cannot
    /// silently restart the clock. A pending root that is already past its validAt may be replaced.
    function proposeRoot(bytes32 root_, bytes32 dataHash) external {
        Config memory c = _config;
        if (msg.sender != c.updater) revert Unauthorized(msg.sender);
        if (c.validAt != 0 && block.timestamp < c.validAt) revert PendingRootWaiting(c.validAt);
        uint64 validAt;
        unchecked {
            // timestamp + uint32 cannot overflow uint64 for the next ~580 billion years
            validAt = uint64(block.timestamp) + c.timelock;
        }
        _pendingRoot = root_;
        _pendingDataHash = dataHash;
        _config = Config({updater: c.updater, timelock: c.timelock, validAt: validAt});
        emit RootProposed(root_, dataHash, validAt);
    }

    /// @notice Drops the pending root (guardian or owner).
    function revokePendingRoot() external {
        if (msg.sender != guardian && msg.sender != owner()) revert Unauthorized(msg.sender);
        if (_config.validAt == 0) revert NoPendingRoot();
        _config.validAt = 0;
        emit RootRevoked(_pendingRoot);
    }

    /// @notice Makes the pending root the active one once its timelock has passed (anyone).
    function acceptRoot() external {
        uint64 validAt = _config.validAt;
        if (validAt == 0) revert NoPendingRoot();
        if (block.timestamp < validAt) revert RootNotReady(validAt);
        bytes32 root_ = _pendingRoot;
        _root = root_;
        _config.validAt = 0;
        emit RootAccepted(root_, _pendingDataHash);
    }

    // --------------------------------------------------------------- claims

    /// @notice Pays `account` what `cumulative` adds to what it has already claimed of `token`.
    /// Anyone may submit it: the tokens always go to `account`.
    function claim(address account, address token, uint256 cumulative, bytes32[] calldata proof) external {
        bytes32 root_ = _root;
        if (root_ == NONE) revert NoActiveRoot();
        _claim(root_, account, token, cumulative, proof);
    }

    /// @notice Several claims at once, all or nothing: one entry that is invalid or has nothing due
    /// reverts the batch, exactly as the single claim would.
    function claimMany(
        address[] calldata accounts,
        address[] calldata tokens,
        uint256[] calldata cumulatives,
        bytes32[][] calldata proofs
    ) external {
        uint256 n = accounts.length;
        if (tokens.length != n || cumulatives.length != n || proofs.length != n) revert LengthMismatch();
        bytes32 root_ = _root;
        if (root_ == NONE) revert NoActiveRoot();
        for (uint256 i; i < n; ) {
            _claim(root_, accounts[i], tokens[i], cumulatives[i], proofs[i]);
            unchecked {
                ++i;
            }
        }
    }

    function _claim(
        bytes32 root_,
        address account,
        address token,
        uint256 cumulative,
        bytes32[] calldata proof
    ) private {
        if (!MerkleProof.verifyCalldata(proof, root_, _leaf(account, token, cumulative))) revert InvalidProof();
        uint256 already = claimed[account][token];
        if (cumulative <= already) revert NothingToClaim(already);
        claimed[account][token] = cumulative;
        uint256 amount;
        unchecked {
            amount = cumulative - already; // checked just above
        }
        IERC20(token).safeTransfer(account, amount);
        emit Claimed(account, token, amount, cumulative);
    }

    /// @dev StandardMerkleTree leaf: keccak256(bytes.concat(keccak256(abi.encode(account, token, cumulative)))),
    /// hashed in scratch memory instead of allocating two `bytes` buffers.
    function _leaf(address account, address token, uint256 cumulative) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, account)
            mstore(add(ptr, 0x20), token)
            mstore(add(ptr, 0x40), cumulative)
            mstore(0x00, keccak256(ptr, 0x60))
            leaf := keccak256(0x00, 0x20)
        }
    }

    // ---------------------------------------------------------------- views

    /// @notice The active root (zero before the first acceptRoot).
    function root() external view returns (bytes32 root_) {
        root_ = _root;
        if (root_ == NONE) root_ = 0;
    }

    /// @notice The pending root, its data hash and when it can be accepted; all zero when none.
    function pending() external view returns (bytes32 root_, bytes32 dataHash, uint64 validAt) {
        validAt = _config.validAt;
        if (validAt != 0) (root_, dataHash) = (_pendingRoot, _pendingDataHash);
    }

    function updater() external view returns (address) {
        return _config.updater;
    }

    function timelock() external view returns (uint32) {
        return _config.timelock;
    }

    // ---------------------------------------------------------------- admin

    function setUpdater(address updater_) external onlyOwner {
        _config.updater = updater_;
        emit UpdaterSet(updater_);
    }

    function setGuardian(address guardian_) external onlyOwner {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @notice Applies to roots proposed from now on; a pending root keeps its validAt.
    function setTimelock(uint32 timelock_) external onlyOwner {
        _config.timelock = timelock_;
        emit TimelockSet(timelock_);
    }
}
