#pragma once
// Python objects <-> JSON (nlohmann::json), for messages, return data and
// options: what json.dumps would accept, as vidgear sends it.
#include <string_view>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace netgear::python {

/// `obj` as JSON: None, bool, int, float, str, list/tuple, dict (keys as
/// json.dumps makes them: str, or int/float/bool/None turned into text) and
/// numpy scalars. Anything else raises TypeError naming `what` and the type.
/// Lists and dicts nested deeper than netgear::max_json_depth, and so any
/// that contains itself, raise ValueError naming `what` (json.dumps raises
/// for both too); the C++ stack is never at risk.
nlohmann::json to_json(pybind11::handle obj, std::string_view what);

/// JSON as Python objects: null -> None, numbers -> int/float, arrays -> list,
/// objects -> dict. A value nested deeper than netgear::max_json_depth (none
/// reaches here: the wire and the C++ API refuse them) raises ValueError.
pybind11::object from_json(const nlohmann::json& value);

/// Python's truthiness of a JSON value (vidgear tests `if message:`): null,
/// false, 0, "", [] and {} are false.
bool truthy(const nlohmann::json& value) noexcept;

}  // namespace netgear::python
