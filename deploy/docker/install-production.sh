#!/bin/sh
# install-production FIRST_APP [OTHER_APP...]: in each app folder (its package.json and package-lock.json from
# `npm run build`), `npm ci --omit=dev`: exactly the locked versions, no development dependency.
# Native modules (better-sqlite3, compiled from source: minutes each) are compiled once, in FIRST_APP; another app
# with the same package at the same version gets a copy of that build, any other native package compiles there.
set -eu

first=$1
shift
(cd "$first" && npm ci --omit=dev)

# Native packages of an app (top level): those with a binding.gyp, which npm compiles with node-gyp at install.
native_packages() {
  for gyp in "$1"/node_modules/*/binding.gyp "$1"/node_modules/@*/*/binding.gyp; do
    [ -f "$gyp" ] || continue
    gyp=${gyp#"$1/node_modules/"}
    echo "${gyp%/binding.gyp}"
  done
}

version_of() {
  node -p "require('./$1/package.json').version" 2>/dev/null || true
}

for app in "$@"; do
  (cd "$app" && npm ci --omit=dev --ignore-scripts)
  for package in $(native_packages "$app"); do
    built="$first/node_modules/$package/build"
    if [ -d "$built" ] && [ "$(version_of "$first/node_modules/$package")" = "$(version_of "$app/node_modules/$package")" ]; then
      cp -R "$built" "$app/node_modules/$package/build"
    else
      (cd "$app" && npm rebuild --foreground-scripts "$package")
    fi
  done
done

# Every native module loads on this Node.js (a missing or mismatched build fails the image build, not a start);
# then only its binary stays: the sources and the compiler's intermediate files are not needed to run it.
for app in "$first" "$@"; do
  for package in $(native_packages "$app"); do
    (cd "$app" && node -e "require('$package')") || {
      echo "$app: $package does not load" >&2
      exit 1
    }
    dir="$app/node_modules/$package"
    rm -rf "$dir/deps" "$dir/src" "$dir/build/deps" "$dir/build/Release/obj.target" "$dir/build/Release/.deps" \
      "$dir/build/Release/obj" "$dir/build/Release/test_extension.node"
    (cd "$app" && node -e "require('$package')")
  done
done
npm cache clean --force 2>/dev/null || true
