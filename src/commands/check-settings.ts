// Checks of a valid config that need code, not schema: templates compile, settings are supported.
import type { Config } from '../generated/config.js';

/** Throws a config_error for a setting that cannot work; later features hook their start-up checks here. */
export function checkSettings(config: Config): void {
  void config;
}
