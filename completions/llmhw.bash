# bash completion for llmhw(1)                                       -*- shell-script -*-
# Installed as share/bash-completion/completions/llmhw; or source it from ~/.bashrc.
# Hardware ids, model ids, vendors and clouds come from the llmhw being completed
# (`llmhw hardware list --format json`, `llmhw models list --format json`), with the
# --data-dir and --hardware-file given on the command line.
# tests/completion/test_bash_completion.sh checks the options against `llmhw CMD --help`.

# Prints one value per line: what = id | vendor | clouds, from = hardware | models.
_llmhw_catalog() {
    local from=$1 what=$2 exe=${COMP_WORDS[0]} i
    local -a global=()
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case ${COMP_WORDS[i]} in
            --data-dir | --hardware-file) global+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
        esac
    done
    exe=${exe/#\~/$HOME}
    command -v -- "$exe" >/dev/null 2>&1 || return 0
    "$exe" "${global[@]}" "$from" list --format json 2>/dev/null | awk -v what="$what" '
        what == "clouds" && /"clouds": \[/ { inside = !/\]/; next }
        inside && /\]/ { inside = 0; next }
        inside { gsub(/^[ \t]*"|",?[ \t]*$/, ""); print; next }
        what != "clouds" && $0 ~ "^ *\"" what "\": \"" {
            sub("^ *\"" what "\": \"", ""); sub(/",?[ \t]*$/, ""); print
        }' | sort -u
}

# COMPREPLY for a comma-separated list: completes the item after the last comma.
_llmhw_list() {
    local cur=$1 values=$2 prefix=""
    [[ $cur == *,* ]] && prefix=${cur%,*},
    COMPREPLY=($(compgen -P "$prefix" -W "$values" -- "${cur##*,}"))
}

_llmhw() {
    local cur prev cword=$COMP_CWORD
    cur=${COMP_WORDS[cword]}
    prev=${COMP_WORDS[cword - 1]}
    # `--format=js`: bash splits at "=" (COMP_WORDBREAKS), giving --format = js.
    if [[ $cur == = ]]; then
        prev=${COMP_WORDS[cword - 1]}
        cur=""
    elif [[ $prev == = ]] && ((cword >= 2)); then
        prev=${COMP_WORDS[cword - 2]}
    fi

    local global_opts="--help --version --data-dir --hardware-file --calibration --color -q --quiet"
    # Options that take a value (so their value is not a command or positional).
    local with_value="--data-dir --hardware-file --calibration --out -m --model --model-config --qps --input-tokens
        --output-tokens --speculative --acceptance --prefix-cache-hit --shared-prefix-tokens --ttft --tpot --e2e --optimize --confidence --pue --electricity-price --budget --precision --kind --vendor --hardware --exclude
        --cloud --max-utilisation --n-plus --pricing --price --price-file --top --format --scenarios --plot --emit --rank --sweep --kv-precision --tp --pp --ep --dp --engine --concurrency
        --prefill --decode --color --devices --power-budget --load-profile --scale-up-minutes --baseline --have --owned-cost"
    with_value=" $(echo $with_value) "

    # The command path so far: recommend, estimate, validate, hardware list, models show, ...
    local cmd="" i word positionals=0
    for ((i = 1; i < cword; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == = ]]; then
            ((i++))
            continue
        fi
        if [[ $word == -* ]]; then
            [[ $with_value == *" $word "* && ${COMP_WORDS[i + 1]} != = ]] && ((i++))
            continue
        fi
        case "$cmd:$word" in
            :recommend | :estimate | :capacity | :validate | :hardware | :models | :config | :calibrate) cmd=$word ;;
            hardware:list | hardware:show | models:list | models:show | config:show) cmd="$cmd $word" ;;
            *) ((positionals++)) ;;
        esac
    done

    case $prev in
        --format)
            # CSV is for lists: the show commands have table, json and markdown.
            if [[ $cmd == capacity || $cmd == calibrate ]]; then
                COMPREPLY=($(compgen -W "table json" -- "$cur"))
            elif [[ $cmd == *" show" && $cmd != "config show" ]]; then
                COMPREPLY=($(compgen -W "table json markdown" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "table json csv markdown" -- "$cur"))
            fi
            return
            ;;
        --color)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return
            ;;
        --kind)
            _llmhw_list "$cur" "cpu gpu tpu accelerator"
            return
            ;;
        --precision)
            if [[ $cmd == estimate ]]; then
                COMPREPLY=($(compgen -W "bf16 fp16 fp8 int8 int4 fp4 q8_0 q4_0 q4_k_m q3_k_m" -- "$cur"))
            elif [[ $cmd == calibrate ]]; then
                COMPREPLY=($(compgen -W "bf16 fp16 fp8 int8 int4 fp4" -- "$cur"))
            else
                _llmhw_list "$cur" "auto bf16 fp16 fp8 int8 int4 fp4"
            fi
            return
            ;;
        --kv-precision)
            COMPREPLY=($(compgen -W "auto bf16 fp8 int8" -- "$cur"))
            return
            ;;
        --pricing)
            COMPREPLY=($(compgen -W "on-demand spot reserved amortized-purchase" -- "$cur"))
            return
            ;;
        --optimize)
            COMPREPLY=($(compgen -W "cost latency throughput energy" -- "$cur"))
            return
            ;;
        --confidence)
            COMPREPLY=($(compgen -W "expected p90" -- "$cur"))
            return
            ;;
        --engine)
            COMPREPLY=($(compgen -W "vllm sglang trtllm llama.cpp jetstream other" -- "$cur"))
            return
            ;;
        --concurrency)
            COMPREPLY=($(compgen -W "max" -- "$cur"))
            return
            ;;
        --baseline)
            COMPREPLY=($(compgen -W "reserved spot" -- "$cur"))
            return
            ;;
        --devices | --have)
            # COUNTxID items: after the count and its x, the ids.
            if [[ $cur =~ ^(.*,)?([0-9]+x)[^,]*$ ]]; then
                COMPREPLY=($(compgen -W "$(_llmhw_catalog hardware id)" -P "${BASH_REMATCH[1]}${BASH_REMATCH[2]}" -- "${cur##*x}"))
            fi
            return
            ;;
        --hardware | --exclude)
            if [[ $cmd == estimate || $cmd == capacity || $cmd == calibrate ]]; then
                COMPREPLY=($(compgen -W "$(_llmhw_catalog hardware id)" -- "$cur"))
            else
                _llmhw_list "$cur" "$(_llmhw_catalog hardware id)"
            fi
            return
            ;;
        --vendor)
            _llmhw_list "$cur" "$(_llmhw_catalog hardware vendor)"
            return
            ;;
        --cloud)
            _llmhw_list "$cur" "$(_llmhw_catalog hardware clouds)"
            return
            ;;
        -m | --model)
            COMPREPLY=($(compgen -W "$(_llmhw_catalog models id)" -- "$cur"))
            return
            ;;
        --data-dir)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --price)
            # ID=USD/h: the ids, each with its "=".
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -W "$(_llmhw_catalog hardware id)" -S = -- "$cur"))
            return
            ;;
        --model-config | --hardware-file | --scenarios | --plot | --price-file | --load-profile | --calibration | --out)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --speculative)
            COMPREPLY=($(compgen -W "mtp eagle draft: none" -- "$cur"))
            return
            ;;
        --emit)
            COMPREPLY=($(compgen -W "vllm sglang trtllm llama.cpp k8s" -- "$cur"))
            return
            ;;
        --sweep)
            COMPREPLY=($(compgen -W "concurrency" -- "$cur"))
            return
            ;;
        --qps | --input-tokens | --output-tokens | --acceptance | --prefix-cache-hit | --shared-prefix-tokens | --ttft | --tpot | --e2e | --pue | --electricity-price | \
            --budget | --top | --tp | --pp | --ep | --dp | --rank | --power-budget | --scale-up-minutes | --owned-cost)
            return # a number or a quantity: nothing to offer
            ;;
    esac

    local opts words=""
    case $cmd in
        "") opts=$global_opts words="recommend estimate capacity hardware models validate config calibrate" ;;
        recommend)
            opts="-m --model --model-config --qps --input-tokens --output-tokens --speculative --acceptance
                --prefix-cache-hit --shared-prefix-tokens --ttft --tpot --e2e
                --optimize --confidence --pue --electricity-price --budget --precision --kind --vendor
                --hardware --exclude --cloud --max-utilisation --n-plus --pricing --price --price-file --top --all --explain --format
                --plot --emit --rank --scenarios --no-disaggregated --no-mixed-fleet --power-budget --load-profile --scale-up-minutes --baseline
                --have --owned-cost"
            ;;
        capacity)
            opts="-m --model --model-config --hardware --devices --input-tokens --output-tokens --ttft --tpot
                --e2e --precision --confidence --max-utilisation --n-plus --format"
            ;;
        estimate)
            opts="-m --model --model-config --hardware --precision --kv-precision --tp --pp --ep --dp
                --engine --vcpus --input-tokens --output-tokens --concurrency --qps --max-batch --max-batched-tokens
                --gpu-memory-utilization --format --plot --sweep --emit --prefill --decode --speculative --acceptance --prefix-cache-hit
                --shared-prefix-tokens"
            ;;
        calibrate)
            opts="-m --model --model-config --hardware --engine --precision --kv-precision --tp --pp --dp --ep --out
                --format"
            if [[ $cur != -* ]]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X '!*.json*' -- "$cur") $(compgen -d -- "$cur"))
                return
            fi
            ;;
        hardware | models) opts="" words="list show" ;;
        config) opts="" words="show" ;;
        "config show") opts="--format" ;;
        "hardware list") opts="--kind --format" ;;
        "hardware show")
            opts="--format"
            ((positionals == 0)) && words=$(_llmhw_catalog hardware id)
            ;;
        "models list") opts="--format" ;;
        "models show")
            opts="--model-config --format"
            ((positionals == 0)) && words=$(_llmhw_catalog models id)
            ;;
        validate)
            opts=""
            if [[ $cur != -* ]]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
                return
            fi
            ;;
    esac
    # After a command, its own options first, then the global ones (they may follow it).
    [[ -n $cmd ]] && opts="$opts --help --data-dir --hardware-file --calibration --color -q --quiet"
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    fi
}

complete -F _llmhw llmhw
