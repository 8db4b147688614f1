/**
 * The configuration as every entry point reads it: a configuration error prints one line naming the variable
 * (`Configuration error: <message>`) to stderr and ends the process with code 1; any other error propagates.
 */
import { ConfigError, loadConfig, type Config } from '../config';

export function loadConfigOrExit(env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
