#!/usr/bin/env zsh
# Prints the candidates zsh's completion system offers for a command line, one a line: starts an
# interactive `zsh -f` in a pseudo-terminal (zpty) with compinit and COMPLETION_DIR on $fpath,
# replaces compadd by a wrapper that prints what would be added, types the line and a <TAB>.
# (After the technique of github.com/Valodim/zsh-capture-completion.)
#
# usage: zsh_complete.zsh COMPLETION_DIR 'llmhw recommend --for'
emulate -L zsh
zmodload zsh/zpty || exit 77
completion_dir=$1 line_to_complete=$2
tmp=$(mktemp -d) || exit 1
trap 'zpty -d z 2>/dev/null; rm -rf $tmp' EXIT

cat >$tmp/init.zsh <<EOF
PROMPT=
fpath=(${(q)completion_dir} \$fpath)
autoload -Uz compinit
compinit -u -d ${(q)tmp}/zcompdump
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
null-line() { echo -E - \$'\0' }
compprefuncs=(null-line)
comppostfuncs=(null-line exit)
zmodload zsh/zutil
compadd() {
  # Calls that only ask for the matches (-O, -A, -D) are not additions.
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "\$@"
    return \$?
  fi
  typeset -a __hits
  builtin compadd -A __hits "\$@"
  local -A apre hpre
  zparseopts -E P:=apre p:=hpre
  local h
  for h in \$__hits; do echo -E - "\$apre[-P]\$hpre[-p]\$h"; done
}
echo init-ok
EOF

zpty z zsh -f -i
zpty -w z "source ${(q)tmp}/init.zsh"
local out
repeat 50; do
  zpty -r -t z out 2>/dev/null || { sleep 0.1; continue }
  [[ $out == *init-ok* ]] && break
done
[[ $out == *init-ok* ]] || { print -u2 "zsh_complete: the pseudo-terminal shell did not start"; exit 2 }

zpty -w -n z "$line_to_complete"$'\t'
integer between=0
local chunk
while zpty -r z chunk; do
  for out in "${(@f)chunk}"; do
    if [[ $out == *$'\0'* ]]; then
      (( between++ ))
      (( between == 2 )) && exit 0
      continue
    fi
    (( between == 1 )) && print -r -- ${out%$'\r'}
  done
done
exit 2
