#!/bin/bash
# Installs what a node needs to build and run corral, as root, on Debian 12. Idempotent.
# Used by deploy/install.sh (a node) and conformance/setup-host.sh (a test machine); test tools
# are added by the latter only.
#
#   Debian packages: gcc libc6-dev (the static native helpers are built on the node),
#                    containernetworking-plugins iptables (pod networking through CNI),
#                    ca-certificates curl (only to fetch Node when the node has none).
#   Node.js:         a `node` on PATH at >= 20.10 is used as it is. Otherwise the official
#                    Node 20 build and npm are fetched from the npm registry (packages
#                    node-linux-<arch> and npm; Debian 12's nodejs is 18.x, which is past its end
#                    of life), checked against the sha512 pinned here, and unpacked under
#                    $CORRAL_NODE_HOME (default /usr/local/lib/corral).
# Prints, as its last line, the directory that holds the `node` and `npm` to use.
set -euo pipefail

NODE_VERSION=20.20.2
NPM_VERSION=10.8.2
declare -A NODE_SHA512=(
  [x64]=3de1d033cc007661ed640d66068732819c6ce4b8945adb097b3413901774898f7cecaa46ac3d4edad544c9dbcc662b9771e45a9f1b7bae34e70c407038fba3a1
  [arm64]=2c25c99cd4c58b21ae601c36819488e4e04531b92300fb7cb2a0ff34aad6a04d90983812b9b4ea16783a19a349f4427c1e9c413067165a96db72ce15a3e0a71a
)
NPM_SHA512=c7f0088c520a46596b85c6f8f1da943400199748a0f7ea8cb8df75469668dc26f6fb3ba26df87e2884a5ebe91557292d0f3db7d0929cdb4f14910c3032ac81fb
REGISTRY="${CORRAL_NPM_REGISTRY:-https://registry.npmjs.org}"
NODE_HOME="${CORRAL_NODE_HOME:-/usr/local/lib/corral}"
DOWNLOADS="${CORRAL_DOWNLOAD_CACHE:-/var/cache/corral/downloads}"

apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# True when `node` on PATH is new enough (corral is built and tested on Node 20).
system_node_fits() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)' 2>/dev/null
}

# Fetches a registry tarball into the download cache unless a copy with the pinned sum is there.
fetch_checked() {
  local url=$1 sha512=$2 file
  file="$DOWNLOADS/$(basename "$url")"
  mkdir -p "$DOWNLOADS"
  if ! echo "$sha512  $file" | sha512sum -c --status 2>/dev/null; then
    curl -fsSL --retry 3 -o "$file.part" "$url"
    echo "$sha512  $file.part" | sha512sum -c --status || {
      rm -f "$file.part"
      echo "node-prereqs: $url does not match its pinned sha512" >&2
      exit 1
    }
    mv "$file.part" "$file"
  fi
  echo "$file"
}

install_pinned_node() {
  local arch
  case "$(dpkg --print-architecture)" in
    amd64) arch=x64 ;;
    arm64) arch=arm64 ;;
    *) echo "node-prereqs: no pinned Node build for $(dpkg --print-architecture)" >&2; exit 1 ;;
  esac
  if [ "$("$NODE_HOME/node/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
    apt_install ca-certificates curl
    local tarball
    tarball=$(fetch_checked "$REGISTRY/node-linux-$arch/-/node-linux-$arch-$NODE_VERSION.tgz" "${NODE_SHA512[$arch]}")
    rm -rf "$NODE_HOME/node.new" && mkdir -p "$NODE_HOME/node.new"
    tar -xzf "$tarball" -C "$NODE_HOME/node.new" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$NODE_HOME/node" && mv "$NODE_HOME/node.new" "$NODE_HOME/node"
  fi
  if [ "$(cat "$NODE_HOME/npm/.version" 2>/dev/null)" != "$NPM_VERSION" ]; then
    apt_install ca-certificates curl
    local tarball
    tarball=$(fetch_checked "$REGISTRY/npm/-/npm-$NPM_VERSION.tgz" "$NPM_SHA512")
    rm -rf "$NODE_HOME/npm.new" && mkdir -p "$NODE_HOME/npm.new"
    tar -xzf "$tarball" -C "$NODE_HOME/npm.new" --strip-components=1
    echo "$NPM_VERSION" >"$NODE_HOME/npm.new/.version"
    rm -rf "$NODE_HOME/npm" && mv "$NODE_HOME/npm.new" "$NODE_HOME/npm"
  fi
  mkdir -p "$NODE_HOME/bin"
  ln -sfn ../node/bin/node "$NODE_HOME/bin/node"
  printf '#!/bin/sh\nexec "%s/node/bin/node" "%s/npm/bin/npm-cli.js" "$@"\n' "$NODE_HOME" "$NODE_HOME" >"$NODE_HOME/bin/npm"
  chmod 0755 "$NODE_HOME/bin/npm"
}

apt_install gcc libc6-dev containernetworking-plugins iptables
if system_node_fits; then
  dirname "$(command -v node)"
else
  install_pinned_node
  echo "$NODE_HOME/bin"
fi
