# Sourced by every script that needs a pinned version: versions.env at the repository's root, each
# NAME overridable with KUBEPROOF_NAME. (harness/versions.ts reads the same file for TypeScript.)
_versions_file="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/versions.env"
[ -f "$_versions_file" ] || { echo "versions.sh: $_versions_file is missing" >&2; exit 1; }
while IFS='=' read -r _name _value; do
  case "$_name" in ''|\#*) continue ;; esac
  _override="KUBEPROOF_$_name"
  printf -v "$_name" '%s' "${!_override:-$_value}"
done < "$_versions_file"
unset _versions_file _name _value _override
