#!/usr/bin/env bash
# The RustSec advisory database for `cargo deny check advisories` and `cargo audit`.
#
#   .ci/advisories.sh DIR          put a database in DIR (a git repository, as both tools
#                                  want): the live one from GitHub when it can be reached,
#                                  else the snapshot kept in .ci/advisory-db/; prints which.
#   .ci/advisories.sh --refresh CLONE
#                                  rewrite the snapshot from a clone of
#                                  github.com/rustsec/advisory-db: the advisories of every
#                                  crate in Cargo.lock, and the commit they come from.
set -euo pipefail
cd "$(dirname "$0")/.."
snapshot=.ci/advisory-db

if [ "${1:-}" = "--refresh" ]; then
    clone=$2
    rm -rf "$snapshot/crates"
    mkdir -p "$snapshot/crates"
    for c in $(grep '^name = ' Cargo.lock | sed 's/name = "\(.*\)"/\1/' | sort -u); do
        if [ -d "$clone/crates/$c" ]; then
            cp -r "$clone/crates/$c" "$snapshot/crates/"
        fi
    done
    git -C "$clone" log -1 --format='%H %cI' > "$snapshot/COMMIT"
    echo "snapshot: $(find "$snapshot/crates" -name '*.md' | wc -l) advisories from $(cat "$snapshot/COMMIT")"
    exit 0
fi

dir=$1
rm -rf "$dir"
if timeout 60 git clone -q --depth 1 https://github.com/rustsec/advisory-db "$dir" 2>/dev/null; then
    echo "advisories: the live RustSec database ($(git -C "$dir" log -1 --format=%cI))"
else
    mkdir -p "$dir"
    cp -r "$snapshot/crates" "$dir/"
    git -C "$dir" init -q
    git -C "$dir" add -A
    git -C "$dir" -c user.name=ci -c user.email=ci@localhost commit -q -m snapshot
    echo "advisories: github.com cannot be reached; the snapshot in $snapshot ($(cat "$snapshot/COMMIT"))"
fi
