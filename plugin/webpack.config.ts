import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

/**
 * The scaffold's webpack config (.config/, left as generated), plus the logos of the nested
 * panel plugins: the scaffold copies only the app's own logo.
 */
const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return {
    ...base,
    plugins: [
      ...(base.plugins ?? []),
      new CopyWebpackPlugin({ patterns: [{ from: 'panels/*/img/*.svg', to: '[path][name][ext]' }] }),
    ],
  };
};

export default config;
