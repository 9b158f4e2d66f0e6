// A FreeSWITCH channel's variables: an ordered list where setting a variable removes the old entry and
// appends the new one at the end. That is how switch_channel_set_variable behaves, and it is why the
// order of `variable_*` headers in a real event tells the story of the call; the model reproduces it
// by replaying the same sets in the same order.

export class VarList {
  private readonly entries = new Map<string, string>();

  /** Sets (or re-sets, moving it to the end) a variable. An empty value deletes it, as in FreeSWITCH. */
  set(name: string, value: string): void {
    this.entries.delete(name);
    if (value !== '') this.entries.set(name, value);
  }

  /** Changes a variable's value where it stands (FreeSWITCH appending to an array variable). */
  update(name: string, value: string): void {
    if (this.entries.has(name)) this.entries.set(name, value);
    else this.set(name, value);
  }

  /** Sets a variable only if it is not there yet (keeps its position). */
  setIfAbsent(name: string, value: string): void {
    if (!this.entries.has(name)) this.set(name, value);
  }

  delete(name: string): void {
    this.entries.delete(name);
  }

  get(name: string): string | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The `variable_<name>` headers, in order. */
  headers(): Array<[string, string]> {
    return [...this.entries].map(([name, value]) => [`variable_${name}`, value]);
  }
}
