// fake_libcuda.c: a host-memory stand-in for the NVIDIA driver's libcuda.so.1, for machines without a GPU.
//
// It exports the driver functions CudaGpu binds (same versioned names and C signatures), keeps "device" memory
// in malloc'd host memory, checks what a real driver would refuse (no current context, wrong JIT option layout,
// a PTX image where a cubin is expected, a misaligned 32-bit fill) and runs the kernels of kernels/elementwise.cu
// by name, reading each argument through the kernelParams pointer array exactly as the GPU would.
// It proves CudaGpu's marshalling, argument packing, context handling and error paths; it says nothing about
// real GPUs. Used by run.sh only; never loaded unless CUDACNN_CUDA_DRIVER_PATH points at it.
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdint.h>
#include <math.h>
#include <time.h>
typedef int CUresult;
typedef unsigned long long CUdeviceptr;
static const size_t TOTAL = 40ull << 30;
static int inited = 0;
CUresult cuInit(unsigned f){ if(f) return 1; inited=1; return 0; }
CUresult cuDriverGetVersion(int*v){ *v=12080; return 0; }
CUresult cuDeviceGetCount(int*c){ if(!inited) return 3; *c=1; return 0; }
CUresult cuDeviceGet(int*d,int o){ if(o!=0) return 101; *d=0; return 0; }
CUresult cuDeviceGetName(char*n,int len,int d){ snprintf(n,len,"Fake GPU"); return 0; }
CUresult cuDeviceGetAttribute(int*v,int a,int d){
  switch(a){case 1:*v=1024;break;case 2:*v=1024;break;case 3:*v=1024;break;case 4:*v=64;break;
  case 5:*v=2147483647;break;case 6:*v=65535;break;case 7:*v=65535;break;case 8:*v=49152;break;
  case 10:*v=32;break;case 16:*v=108;break;case 75:*v=8;break;case 76:*v=0;break;case 97:*v=166912;break;
  default: return 1;} return 0; }
CUresult cuDeviceTotalMem_v2(size_t*b,int d){ *b=TOTAL; return 0; }
static int ctxref=0; static void* current=0;
CUresult cuDevicePrimaryCtxRetain(void**c,int d){ ctxref++; *c=(void*)0x1234; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(int d){ ctxref--; return 0; }
CUresult cuCtxSetCurrent(void*c){ current=c; return 0; }
CUresult cuCtxGetCurrent(void**c){ *c=current; return 0; }
static CUresult need_ctx(void){ return current==(void*)0x1234 ? 0 : 201; }
CUresult cuMemGetInfo_v2(size_t*f,size_t*t){ *f=TOTAL/2; *t=TOTAL; return 0; }
CUresult cuModuleLoadDataEx(void**m,const void*img,unsigned n,int*opts,void**vals){
  if(need_ctx()) return 201;
  if(n!=2||opts[0]!=5||opts[1]!=6||(size_t)vals[1]!=16384) { fprintf(stderr,"fake: bad jit options\n"); return 1; }
  const unsigned char*p=img; if(!(p[0]==0x7f&&p[1]=='E')) { strcpy((char*)vals[0],"fake: not a cubin"); return 218; }
  *m=(void*)0x5678; return 0; }
CUresult cuModuleUnload(void*m){ return need_ctx(); }
static const char* names[]={"fill","copy","scale","add","axpy","relu_forward","relu_backward"};
CUresult cuModuleGetFunction(void**f,void*m,const char*name){
  if(m!=(void*)0x5678) return 400;
  for(int i=0;i<7;i++) if(!strcmp(names[i],name)){ *f=(void*)(intptr_t)(i+1); return 0; }
  return 500; }
CUresult cuFuncGetAttribute(int*v,int a,void*f){
  switch(a){case 0:*v=256;break;case 1:*v=0;break;case 4:*v=16;break;case 8:*v=49152;break;default:return 1;} return 0; }
CUresult cuLaunchKernel(void*f,unsigned gx,unsigned gy,unsigned gz,unsigned bx,unsigned by,unsigned bz,unsigned smem,void*s,void**p,void**extra){
  if(need_ctx()) return 201;
  if(extra) return 1;
  int k=(int)(intptr_t)f;
  #define F(i) (*(float**)p[i])
  #define S(i) (*(float*)p[i])
  #define N(i) (*(long long*)p[i])
  long long n;
  switch(k){
  case 1: n=N(2); for(long long i=0;i<n;i++) F(0)[i]=S(1); break;
  case 2: n=N(2); for(long long i=0;i<n;i++) F(0)[i]=F(1)[i]; break;
  case 3: n=N(3); for(long long i=0;i<n;i++) F(0)[i]=S(2)*F(1)[i]; break;
  case 4: n=N(3); for(long long i=0;i<n;i++) F(0)[i]=F(1)[i]+F(2)[i]; break;
  case 5: n=N(3); for(long long i=0;i<n;i++) F(0)[i]=fmaf(S(2),F(1)[i],F(0)[i]); break;
  case 6: n=N(2); for(long long i=0;i<n;i++){ float v=F(1)[i]; F(0)[i]=v>0?v:0; } break;
  case 7: n=N(3); for(long long i=0;i<n;i++) F(0)[i]=F(2)[i]>0?F(1)[i]:0; break;
  default: return 400; }
  return 0; }
CUresult cuMemAlloc_v2(CUdeviceptr*d,size_t b){ if(need_ctx()) return 201; if(b>TOTAL) return 2; void*p=aligned_alloc(256,(b+255)/256*256); if(!p) return 2; *d=(CUdeviceptr)p; return 0; }
CUresult cuMemFree_v2(CUdeviceptr d){ if(need_ctx()) return 201; free((void*)d); return 0; }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d,const void*s,size_t b,void*st){ memcpy((void*)d,s,b); return 0; }
CUresult cuMemcpyDtoHAsync_v2(void*d,CUdeviceptr s,size_t b,void*st){ memcpy(d,(void*)s,b); return 0; }
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d,CUdeviceptr s,size_t b,void*st){ memcpy((void*)d,(void*)s,b); return 0; }
CUresult cuMemsetD32Async(CUdeviceptr d,unsigned v,size_t n,void*st){ if(d%4) return 1; for(size_t i=0;i<n;i++) ((unsigned*)d)[i]=v; return 0; }
CUresult cuStreamCreate(void**s,unsigned f){ if(f!=1) return 1; *s=(void*)0x9abc; return 0; }
CUresult cuStreamDestroy_v2(void*s){ return s==(void*)0x9abc?0:400; }
CUresult cuStreamSynchronize(void*s){ return s==(void*)0x9abc?0:400; }
static double ev[64]; static int nev=0;
static double now(void){ struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec*1e3+t.tv_nsec/1e6; }
CUresult cuEventCreate(void**e,unsigned f){ *e=(void*)(intptr_t)(++nev); return 0; }
CUresult cuEventRecord(void*e,void*s){ if(s!=(void*)0x9abc) return 400; ev[(intptr_t)e]=now(); return 0; }
CUresult cuEventSynchronize(void*e){ return 0; }
CUresult cuEventElapsedTime(float*ms,void*a,void*b){ *ms=(float)(ev[(intptr_t)b]-ev[(intptr_t)a]); return 0; }
CUresult cuEventDestroy_v2(void*e){ return 0; }
CUresult cuGetErrorName(CUresult e,const char**s){ if(e==2){*s="CUDA_ERROR_OUT_OF_MEMORY";return 0;} *s=0; return 1; }
CUresult cuGetErrorString(CUresult e,const char**s){ if(e==2){*s="out of memory";return 0;} *s=0; return 1; }
