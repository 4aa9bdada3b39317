// small_vector.h: a vector with N elements of inline capacity, for graph-node fields that
// almost always hold one to three entries (edges, saved tensors, output metadata): recording
// an op then allocates the node and nothing else; and for TensorList, since a backward
// function almost always takes and returns one or two gradients. The std::vector subset the
// core uses.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <new>
#include <utility>
#include <vector>

namespace mag {

template <typename T, size_t N>
class SmallVector {
 public:
  SmallVector() = default;
  explicit SmallVector(size_t n) { resize(n); }
  SmallVector(std::initializer_list<T> l) { reserve(l.size()); for (auto& v : l) push_back(v); }
  SmallVector(const SmallVector& o) { reserve(o.n_); for (auto& v : o) push_back(v); }
  SmallVector(SmallVector&& o) noexcept { take(std::move(o)); }
  SmallVector& operator=(const SmallVector& o) {
    if (this != &o) { clear(); reserve(o.n_); for (auto& v : o) push_back(v); }
    return *this;
  }
  SmallVector& operator=(SmallVector&& o) noexcept {
    if (this != &o) { destroy(); take(std::move(o)); }
    return *this;
  }
  SmallVector& operator=(const std::vector<T>& v) { clear(); reserve(v.size()); for (auto& x : v) push_back(x); return *this; }
  SmallVector& operator=(std::initializer_list<T> l) { clear(); reserve(l.size()); for (auto& v : l) push_back(v); return *this; }
  ~SmallVector() { destroy(); }

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T* data() { return p_; }
  const T* data() const { return p_; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }
  T* begin() { return p_; }
  T* end() { return p_ + n_; }
  const T* begin() const { return p_; }
  const T* end() const { return p_ + n_; }
  std::vector<T> vec() const { return std::vector<T>(begin(), end()); }
  T& back() { return p_[n_ - 1]; }
  const T& back() const { return p_[n_ - 1]; }

  void reserve(size_t c) {
    if (c <= cap_) return;
    T* np = static_cast<T*>(::operator new(c * sizeof(T)));
    for (size_t i = 0; i < n_; ++i) { new (np + i) T(std::move(p_[i])); p_[i].~T(); }
    if (p_ != inline_ptr()) ::operator delete(p_);
    p_ = np;
    cap_ = c;
  }
  template <typename... A>
  T& emplace_back(A&&... a) {
    if (n_ == cap_) reserve(cap_ * 2);
    new (p_ + n_) T(std::forward<A>(a)...);
    return p_[n_++];
  }
  void push_back(const T& v) { emplace_back(v); }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  void pop_back() { p_[--n_].~T(); }
  void resize(size_t n) {
    reserve(n);
    while (n_ < n) new (p_ + n_++) T();
    while (n_ > n) p_[--n_].~T();
  }
  void clear() { while (n_) p_[--n_].~T(); }

 private:
  T* inline_ptr() { return reinterpret_cast<T*>(inline_); }
  void destroy() {
    clear();
    if (p_ != inline_ptr()) ::operator delete(p_);
    p_ = inline_ptr();
    cap_ = N;
  }
  void take(SmallVector&& o) {
    if (o.p_ != o.inline_ptr()) {  // steal the heap buffer
      p_ = o.p_; n_ = o.n_; cap_ = o.cap_;
      o.p_ = o.inline_ptr(); o.n_ = 0; o.cap_ = N;
      return;
    }
    p_ = inline_ptr(); n_ = 0; cap_ = N;
    for (auto& v : o) push_back(std::move(v));
    o.clear();
  }

  alignas(T) unsigned char inline_[N * sizeof(T)];
  T* p_ = inline_ptr();
  size_t n_ = 0;
  size_t cap_ = N;
};

}  // namespace mag
