/**
 * Reads a secret (a keystore passphrase) without it ever being a flag or an environment variable:
 * on a terminal it asks on stderr and reads the keys with echo off; otherwise (a script, a test, a
 * secrets manager piping into the command) it takes the first line of stdin.
 */
export const readSecret = async (prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> =>
  input.isTTY ? readFromTerminal(prompt, input, output) : readFirstLine(input);

const readFirstLine = (input: NodeJS.ReadableStream): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = '';
    const done = (value: string) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', reject);
      input.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const newline = text.search(/\r?\n/);
      if (newline >= 0) done(text.slice(0, newline));
    };
    const onEnd = () => done(text);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', reject);
    input.resume();
  });

const readFromTerminal = (prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> =>
  new Promise((resolve, reject) => {
    output.write(prompt);
    let secret = '';
    input.setRawMode(true);
    input.setEncoding('utf8');
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.off('data', onData);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(secret);
    };
    const onData = (keys: string) => {
      for (const key of keys) {
        if (key === '\r' || key === '\n') return finish();
        if (key === '\u0003') return finish(new Error('cancelled'));
        if (key === '\u007f' || key === '\b') secret = secret.slice(0, -1);
        else secret += key;
      }
    };
    input.on('data', onData);
    input.resume();
  });
