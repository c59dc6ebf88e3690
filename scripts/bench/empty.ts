/**
 * Peer of the start-up benchmark: a script that does nothing.
 * @module
 */
