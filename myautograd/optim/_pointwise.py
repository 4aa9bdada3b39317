"""In-place addcmul_ / addcdiv_ / lerp_ with torch's CPU rounding, for the optimizers.

torch's CPU kernels compute (verified bit for bit against torch 2.13, float32):
  addcmul_: fma(value*t1, t2, self)   (value rounded to the tensor dtype first; fused on
            AVX2/AVX512 builds, vector body and scalar tail alike)
  addcdiv_: self + (value*t1)/t2
  lerp_(end, w), scalar w: fma(c, end-self, base) with (c, base) = (w, self) if |w| < 0.5
            else (w-1, end)
The core's Tensor.addcmul_/addcdiv_/lerp_ (myautograd/_tensor.py) round differently (they
compose t1*t2*value, t1/t2*value, self+(end-self)*w), so the optimizers use these instead.
Tensor x tensor FMA is emulated in float64 (the product of two float32 is exact there); the
sum is then rounded twice, which differs from a true fma only when the float64 sum lands on
a float32 rounding midpoint (about 2^-29 per element). float64 tensors use the unfused form.
"""
import struct

from .. import _C


def _f32(x):
    return x.dtype is _C.float32


def addcmul_(self, t1, t2, value=1):
    prod = t1 if value == 1 else t1 * value
    if _f32(self) and _f32(prod) and _f32(t2):
        return self.copy_((prod.double() * t2.double()).add_(self.double()).float())
    return self.add_(prod * t2)


def addcmul(self, t1, t2, value=1):
    return addcmul_(self.clone(), t1, t2, value)


def addcdiv_(self, t1, t2, value=1):
    prod = t1 if value == 1 else t1 * value
    return self.add_(prod / t2)


def lerp_(self, end, weight):
    w = _round_f32(float(weight)) if _f32(self) else float(weight)
    diff = end - self
    if abs(w) < 0.5:
        return self.add_(diff, alpha=w)
    # base is `end`, coefficient (w - 1): exact in double, rounded to float32 by add's alpha
    return self.copy_(end.add(diff, alpha=w - 1.0))


def _round_f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]
