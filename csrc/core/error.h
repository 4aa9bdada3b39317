// error.h: the exception the core throws; the binding maps `kind` to the Python exception
// class, so messages and types match torch's.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace mag {

enum class ErrorKind { Runtime, Index, Value, Type, NotImplemented, Memory };

struct Error : std::runtime_error {
  ErrorKind kind;
  Error(ErrorKind k, const std::string& msg) : std::runtime_error(msg), kind(k) {}
};

template <typename... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream ss;
  (ss << ... << args);
  return ss.str();
}

#define MAG_CHECK(cond, ...) \
  do { if (!(cond)) throw ::mag::Error(::mag::ErrorKind::Runtime, ::mag::str_cat(__VA_ARGS__)); } while (0)
#define MAG_CHECK_KIND(cond, kind, ...) \
  do { if (!(cond)) throw ::mag::Error(::mag::ErrorKind::kind, ::mag::str_cat(__VA_ARGS__)); } while (0)
#define MAG_THROW(kind, ...) throw ::mag::Error(::mag::ErrorKind::kind, ::mag::str_cat(__VA_ARGS__))

}  // namespace mag
