// nn7.errors: problems a user can cause. The message is nn7's own line, word for word (the
// command line prints the same); `code` and `details` say the same in fields, so that the lab's
// page can word it in Chinese (page/words.js).

/** A problem with the user's input. */
export class Nn7Error extends Error {
  constructor(message, code = "error", details = {}) {
    super(message);
    this.name = "Nn7Error";
    this.code = code;
    this.details = details;
  }
}

/** Training produced a non-finite loss or parameter (code "diverged" or "diverged-loss"). */
export class DivergenceError extends Nn7Error {
  constructor(message, code, iteration, epoch, lr) {
    super(message, code, { iteration, epoch, lr });
    this.name = "DivergenceError";
    this.iteration = iteration;
    this.epoch = epoch;
  }
}

/**
 * A bad value for a setting (nn7.settings.SettingError): the setting's row, the option, the
 * rule broken (syntax, finite, digits, low, high, page), its limit and the value as typed.
 */
export class SettingError extends Nn7Error {
  constructor(setting, option, rule, reason, limit, typed) {
    super(`${option} ${reason}`, "setting", { setting: setting.name, group: setting.group, rule, limit, typed });
    this.name = "SettingError";
    this.setting = setting;
    this.option = option;
    this.rule = rule;
    this.reason = reason;
  }
}
