/**
 * Typed errors for bad input to the VMM: a user-supplied image or option that cannot be used.
 * Whatever a *guest* does never surfaces as one of these (DESIGN.md: a guest ends in an exit,
 * not a host exception); they are raised before the guest runs, and the CLI maps them to exit
 * status 1 with the message on stderr.
 */

/** Base class: the VMM was given something it cannot use. */
export class VmmInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A kernel/firmware image is malformed or does not fit the machine (ELF checks, RAM bounds). */
export class InvalidImageError extends VmmInputError {}

/**
 * An option has a value the VMM cannot accept. `option` names it as the user wrote it
 * (`--cpu`, `-m`, or the API field `memMiB`).
 */
export class InvalidArgumentError extends VmmInputError {
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}
