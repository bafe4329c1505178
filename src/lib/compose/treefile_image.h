// The treefile's `image:` section read into an image::ImageSpec (docs/treefile.md, "Images"), with
// every mistake reported as file:line and one sentence, before anything is built.
#pragma once

#include <yaml-cpp/yaml.h>

#include "lib/compose/treefile_document.h"
#include "lib/image/image_spec.h"

namespace apt_ostree::compose {

// `value` is the mapping under `image:`, written at `where`.
image::ImageSpec read_image(const YAML::Node& value, const Location& where);

}  // namespace apt_ostree::compose
