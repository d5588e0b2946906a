#include "py_json.hpp"

#include <string>

#include "netgear/json_limits.hpp"

namespace py = pybind11;

namespace netgear::python {
namespace {

[[noreturn]] void not_json(py::handle obj, std::string_view what) {
  throw py::type_error(std::string(what) + ": object of type " + std::string(py::str(obj.get_type().attr("__name__"))) +
                       " is not JSON serializable (use None, bool, int, float, str, list, tuple or dict)");
}

// A dict key as json.dumps writes it.
std::string key_text(py::handle key, std::string_view what) {
  if (py::isinstance<py::str>(key)) return key.cast<std::string>();
  if (key.is_none()) return "null";
  if (py::isinstance<py::bool_>(key)) return key.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::int_>(key) || py::isinstance<py::float_>(key)) return py::str(key).cast<std::string>();
  throw py::type_error(std::string(what) + ": dict keys must be str, int, float, bool or None, not " +
                       std::string(py::str(key.get_type().attr("__name__"))));
}

nlohmann::json int_json(py::handle obj, std::string_view what) {
  int overflow = 0;
  const long long value = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
  if (overflow == 0) return value;
  if (overflow > 0) {
    const unsigned long long big = PyLong_AsUnsignedLongLong(obj.ptr());
    if (!PyErr_Occurred()) return big;
    PyErr_Clear();
  }
  throw py::value_error(std::string(what) + ": the integer " + std::string(py::str(obj)) +
                        " does not fit in 64 bits");
}

[[noreturn]] void too_deep(std::string_view what) {
  throw py::value_error(std::string(what) + ": nested deeper than " + std::to_string(max_json_depth) +
                        " levels of lists and dicts (netgear's limit for JSON), or contains itself");
}

// `depth`: the lists and dicts `obj` is inside of.
nlohmann::json to_json_at(py::handle obj, std::string_view what, std::size_t depth) {
  if (obj.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
  if (py::isinstance<py::int_>(obj)) return int_json(obj, what);
  if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  const bool list = py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj);
  if ((list || py::isinstance<py::dict>(obj)) && depth >= max_json_depth) too_deep(what);
  if (list) {
    auto array = nlohmann::json::array();
    for (py::handle item : obj) array.push_back(to_json_at(item, what, depth + 1));
    return array;
  }
  if (py::isinstance<py::dict>(obj)) {
    auto object = nlohmann::json::object();
    for (auto [key, value] : obj.cast<py::dict>()) object[key_text(key, what)] = to_json_at(value, what, depth + 1);
    return object;
  }
  // numpy scalars (np.int32(3), np.float32(0.5), np.bool_(True)) become their Python value.
  if (py::hasattr(obj, "item") && py::hasattr(obj, "dtype") && py::hasattr(obj, "shape") &&
      py::len(obj.attr("shape")) == 0)
    return to_json_at(obj.attr("item")(), what, depth);
  not_json(obj, what);
}

py::object from_json_at(const nlohmann::json& value, std::size_t depth) {
  if (value.is_structured() && depth >= max_json_depth) too_deep("JSON from netgear");
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: return py::none();
    case nlohmann::json::value_t::boolean: return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: return py::float_(value.get<double>());
    case nlohmann::json::value_t::string: return py::str(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::binary: return py::bytes(std::string(value.get_binary().begin(), value.get_binary().end()));
    case nlohmann::json::value_t::array: {
      py::list list;
      for (const auto& item : value) list.append(from_json_at(item, depth + 1));
      return list;
    }
    case nlohmann::json::value_t::object: {
      py::dict dict;
      for (const auto& [key, item] : value.items()) dict[py::str(key)] = from_json_at(item, depth + 1);
      return dict;
    }
  }
  return py::none();
}

}  // namespace

nlohmann::json to_json(py::handle obj, std::string_view what) { return to_json_at(obj, what, 0); }

py::object from_json(const nlohmann::json& value) { return from_json_at(value, 0); }

bool truthy(const nlohmann::json& value) noexcept {
  switch (value.type()) {
    case nlohmann::json::value_t::boolean: return value.get<bool>();
    case nlohmann::json::value_t::number_integer: return value.get<std::int64_t>() != 0;
    case nlohmann::json::value_t::number_unsigned: return value.get<std::uint64_t>() != 0;
    case nlohmann::json::value_t::number_float: return value.get<double>() != 0.0;
    case nlohmann::json::value_t::string: return !value.get_ref<const std::string&>().empty();
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object: return !value.empty();
    default: return false;
  }
}

}  // namespace netgear::python
