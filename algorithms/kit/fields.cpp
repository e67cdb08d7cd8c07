#include "algorithms/kit/fields.h"

#include <cstdlib>

namespace ballot::kit {

const char* field_kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::Int:
      return "int";
    case FieldKind::Bool:
      return "bool";
    case FieldKind::Str:
      return "str";
    case FieldKind::OptStr:
      return "str?";
    case FieldKind::Node:
      return "node";
    case FieldKind::List:
      return "list";
    case FieldKind::Object:
      return "object";
    case FieldKind::KeyValues:
      return "key_values";
  }
  std::abort();
}

}  // namespace ballot::kit
